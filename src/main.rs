//! Browser entry point: a panic hook that logs to the console, then the app.
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(tierlens_app::App);
}
