//! Long tables that stay fast: only the rows in view, plus a few on either side, are in the DOM.
use leptos::html::{Div, Tr};
use leptos::prelude::*;
use std::hash::Hash;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

/// Rows rendered past each edge of the view, so a quick scroll or a Tab to the next row finds
/// them already there.
const OVERSCAN: usize = 8;
/// Row height before a row has been measured: `--row-h` in `style/main.css`.
const ROW_HEIGHT: f64 = 32.0;
/// View height before the container has been measured: `.virtual`'s `max-height`.
const VIEW_HEIGHT: f64 = 560.0;

/// The tallest the scroll area is made. Browsers cap an element's height (Chromium at ~33.5M
/// px, Firefox at ~17.9M px): past this, a scroll position maps proportionally onto the rows,
/// so millions of rows still scroll from the first to the last.
const MAX_PX: f64 = 8_000_000.0;

/// What to render for a view `view_px` high scrolled to `scroll_px`: rows `start..end` and the
/// heights of the spacers above and below them. Up to [`MAX_PX`] of rows this is [`window`] with
/// spacers of the rows left out; beyond, the scroll range `0..MAX_PX - view` maps linearly onto
/// the rows' `0..len * row - view`, and the rows in view are placed where the scroll position is.
fn placement(len: usize, scroll_px: f64, view_px: f64, row_px: f64) -> (usize, usize, f64, f64) {
    let row_px = row_px.max(1.0);
    let total = len as f64 * row_px;
    if total <= MAX_PX {
        let (start, end) = window(len, scroll_px, view_px, row_px);
        return (
            start,
            end,
            start as f64 * row_px,
            (len - end) as f64 * row_px,
        );
    }
    let view = view_px.clamp(0.0, MAX_PX / 2.0);
    let scroll = scroll_px.clamp(0.0, MAX_PX - view);
    let virtual_scroll = scroll * (total - view) / (MAX_PX - view);
    let (start, end) = window(len, virtual_scroll, view, row_px);
    // The rendered rows sit so that the row at `virtual_scroll` is at the top of the view.
    let above = (scroll - (virtual_scroll - start as f64 * row_px)).max(0.0);
    let below = (MAX_PX - above - (end - start) as f64 * row_px).max(0.0);
    (start, end, above, below)
}

/// Which rows to render: `start..end` of `len`, for a view `view_px` high scrolled to
/// `scroll_px`, rows `row_px` high. Past the end (a stale scroll position after the rows got
/// fewer) it gives the last screenful.
fn window(len: usize, scroll_px: f64, view_px: f64, row_px: f64) -> (usize, usize) {
    let row_px = row_px.max(1.0);
    let shown = (view_px.max(0.0) / row_px).ceil() as usize + 1;
    let first = ((scroll_px.max(0.0) / row_px).floor() as usize).min(len.saturating_sub(shown));
    let start = first.saturating_sub(OVERSCAN);
    let end = (first + shown + OVERSCAN).min(len);
    (start, end)
}

/// A `<table class="data">` inside a scroll container of fixed maximum height (`.virtual` in
/// the stylesheet) whose `<tbody>` holds only the rows in view plus [`OVERSCAN`] either side.
/// Two spacer rows stand in for the rest, so the scrollbar, `Page Down` and scrolling to the
/// end behave as for the whole table. The header stays in view.
///
/// Rows must have one height (`--row-h`; cells do not wrap); it is measured once after the
/// first render. A row keeps its DOM while its position and `key` stay the same, so `key`
/// must cover everything `row` shows (rows are not reactive to their data). Sorting and
/// filtering happen in `rows`; `reveal` scrolls a row (an index into `rows`) into view when it
/// changes, e.g. the selected one after a reload or a new sort order.
///
/// Keyboard: focusing a row's control scrolls it into view, which renders the rows around it,
/// so Tab walks through the whole table.
#[component]
pub fn VirtualTable<T, K, KF, RF, IV>(
    /// Every row, in display order.
    #[prop(into)]
    rows: Signal<Vec<T>>,
    /// What a row shows (see above).
    key: KF,
    /// The `<tr>` of `rows[index]`. Give it `aria-rowindex=index + 2` (the header is row 1).
    row: RF,
    /// Number of columns: the spacer rows span them.
    columns: usize,
    /// `data-testid` of the `<table>`.
    #[prop(into)]
    testid: String,
    /// A row to bring into view whenever this changes.
    #[prop(into, optional)]
    reveal: Option<Signal<Option<usize>>>,
    /// The header row(s) (`<tr>` elements of the `<thead>`).
    children: Children,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    K: Eq + Hash + Send + Sync + 'static,
    KF: Fn(&T) -> K + Clone + Send + Sync + 'static,
    RF: Fn(usize, T) -> IV + Clone + Send + Sync + 'static,
    IV: IntoView + 'static,
{
    let scroller = NodeRef::<Div>::new();
    let top = NodeRef::<Tr>::new();
    let bottom = NodeRef::<Tr>::new();
    let scroll_px = RwSignal::new(0.0);
    let view_px = RwSignal::new(VIEW_HEIGHT);
    let row_px = RwSignal::new(ROW_HEIGHT);
    let measured = StoredValue::new(false);

    let len = Memo::new(move |_| rows.with(Vec::len));
    let placed =
        Memo::new(move |_| placement(len.get(), scroll_px.get(), view_px.get(), row_px.get()));
    let range = Memo::new(move |_| {
        let (start, end, _, _) = placed.get();
        (start, end)
    });
    let spacer = move |px: f64| format!("height: {px}px");
    let above = move || spacer(placed.get().2);
    let below = move || spacer(placed.get().3);

    let on_scroll = move |_| {
        if let Some(el) = scroller.get_untracked() {
            scroll_px.set(el.scroll_top() as f64);
            view_px.set(el.client_height() as f64);
        }
    };
    // The real row and view heights, once rows are on screen (a hidden table measures 0 and
    // tries again on the next change). Measured between the first and the last rendered row:
    // the spacers' share of collapsed borders must not count.
    Effect::new(move |_| {
        let (start, end) = range.get();
        if measured.get_value() || start == end {
            return;
        }
        let (Some(top), Some(bottom), Some(el)) = (top.get(), bottom.get(), scroller.get()) else {
            return;
        };
        let as_html =
            |e: Option<web_sys::Element>| e.and_then(|e| e.dyn_into::<HtmlElement>().ok());
        // The rows actually in the DOM between the spacers.
        let bottom: &web_sys::Node = &bottom;
        let Some(first) = as_html(top.next_element_sibling()) else {
            return;
        };
        if first.is_same_node(Some(bottom)) {
            return;
        }
        let (mut last, mut count) = (first.clone(), 1);
        while let Some(next) = as_html(last.next_element_sibling()) {
            if next.is_same_node(Some(bottom)) {
                break;
            }
            (last, count) = (next, count + 1);
        }
        let h = if count > 1 {
            (last.offset_top() - first.offset_top()) as f64 / (count - 1) as f64
        } else {
            first.offset_height() as f64
        };
        if h >= 1.0 {
            measured.set_value(true);
            if (h - row_px.get_untracked()).abs() > 0.01 {
                row_px.set(h);
            }
            view_px.set(el.client_height() as f64);
        }
    });
    // Bring `reveal` into view (if it is not already): sets the scroll position, and the scroll
    // event renders the rows there.
    if let Some(reveal) = reveal {
        Effect::new(move |_| {
            let Some(i) = reveal.get() else { return };
            let Some(el) = scroller.get() else { return };
            // Again once the row height is measured.
            let h = row_px.get();
            let view = el.client_height() as f64;
            let (row_top, row_bottom) = (i as f64 * h, (i + 1) as f64 * h);
            let scroll = el.scroll_top() as f64;
            // The sticky header covers about one row at the top.
            if row_top < scroll || row_bottom + h > scroll + view {
                el.set_scroll_top((row_top - (view - h) / 2.0).max(0.0) as i32);
            }
        });
    }
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        if let Some(el) = scroller.get_untracked() {
            view_px.set(el.client_height() as f64);
        }
    });
    on_cleanup(move || resize.remove());

    let each = move || {
        let (start, end) = range.get();
        rows.with(|r| {
            let end = end.min(r.len());
            let start = start.min(end);
            r[start..end]
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, t)| (start + i, t))
                .collect::<Vec<_>>()
        })
    };
    let row_key = move |(i, t): &(usize, T)| (*i, key(t));
    let render = move |(i, t): (usize, T)| row(i, t);

    view! {
        <div class="virtual" node_ref=scroller on:scroll=on_scroll>
            <table class="data" data-testid=testid aria-rowcount=move || len.get() + 1>
                <thead>{children()}</thead>
                <tbody>
                    <tr class="spacer" aria-hidden="true" node_ref=top style=above>
                        <td colspan=columns></td>
                    </tr>
                    <For each=each key=row_key children=render />
                    <tr class="spacer" aria-hidden="true" node_ref=bottom style=below>
                        <td colspan=columns></td>
                    </tr>
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_covers_the_view_and_the_overscan() {
        // 10,000 rows of 32 px in a 560 px view: 18.5 rows visible.
        assert_eq!(window(10_000, 0.0, 560.0, 32.0), (0, 19 + OVERSCAN));
        let (s, e) = window(10_000, 32.0 * 5000.0, 560.0, 32.0);
        assert_eq!((s, e), (5000 - OVERSCAN, 5000 + 19 + OVERSCAN));
        // The end: the last row is rendered.
        let max_scroll = 32.0 * 10_000.0 - 560.0;
        assert_eq!(window(10_000, max_scroll, 560.0, 32.0).1, 10_000);
        // Few rows: all of them.
        assert_eq!(window(6, 0.0, 560.0, 32.0), (0, 6));
        assert_eq!(window(0, 0.0, 560.0, 32.0), (0, 0));
        // A stale position past the end still shows the last screenful.
        assert_eq!(window(100, 1e9, 560.0, 32.0), (100 - 19 - OVERSCAN, 100));
    }

    #[test]
    fn millions_of_rows_map_onto_a_bounded_scroll_area() {
        let (len, view, row) = (3_000_000, 560.0, 32.0);
        // The top: the first rows, no spacer above.
        let (s, e, above, below) = placement(len, 0.0, view, row);
        assert_eq!((s, above), (0, 0.0));
        assert_eq!(above + below + (e - s) as f64 * row, MAX_PX);
        // The end of the scroll range shows the last row.
        let (s, e, above, below) = placement(len, MAX_PX - view, view, row);
        assert_eq!(e, len);
        assert!(s < len - 18);
        assert!((above + below + (e - s) as f64 * row - MAX_PX).abs() < 1e-6);
        // Half way: the rows of the middle, placed in view.
        let (s, e, above, _) = placement(len, (MAX_PX - view) / 2.0, view, row);
        assert!(s < len / 2 && e > len / 2);
        assert!(
            above <= (MAX_PX - view) / 2.0
                && above + (e - s) as f64 * row >= (MAX_PX - view) / 2.0 + view
        );
        // Few rows: unchanged.
        assert_eq!(placement(100, 0.0, view, row), (0, 27, 0.0, 73.0 * row));
    }
}
