// The plain-JavaScript baseline: fetch(url) -> text() -> JSON.parse -> one loop summing the
// remote size (RemoteLogSizeBytes under Kafka 4.3+ rules: COPY_SEGMENT_FINISHED and
// DELETE_SEGMENT_STARTED segments), written into the DOM. Marks, for the benchmark:
//   baseline:fetched  the whole body is in as text
//   baseline:parsed   JSON.parse returned
//   baseline:totals   the total is on screen (next animation frame after the DOM write)
// The snapshot URL comes from ?snapshot=. The parsed snapshot stays referenced (window.snapshot),
// as in any page that shows more than one number (tables, drill-down); ?keep=0 drops it, so
// the memory after GC is then only the page's own.
(async () => {
  const out = document.getElementById('total');
  const params = new URLSearchParams(location.search);
  const url = params.get('snapshot');
  try {
    if (!url) throw new Error('no ?snapshot= URL given');
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const text = await res.text();
    performance.mark('baseline:fetched');
    const snap = JSON.parse(text);
    performance.mark('baseline:parsed');

    let total = 0;
    let segments = 0;
    let partitions = 0;
    for (const topic of snap.topics) {
      for (const p of topic.partitions) {
        partitions++;
        for (const s of p.segments) {
          segments++;
          if (s.state === 'COPY_SEGMENT_FINISHED' || s.state === 'DELETE_SEGMENT_STARTED') {
            total += Number(s.sizeBytes); // numbers may come as strings
          }
        }
      }
    }
    performance.mark('baseline:summed');
    if (params.get('keep') !== '0') window.snapshot = snap;

    out.textContent = `${(total / 2 ** 40).toFixed(2)} TiB (${total} bytes)`;
    out.dataset.bytes = String(total);
    out.dataset.segments = String(segments);
    out.dataset.partitions = String(partitions);
    requestAnimationFrame(() => performance.mark('baseline:totals'));
  } catch (e) {
    const el = document.getElementById('error');
    el.textContent = String(e && e.message ? e.message : e);
    el.hidden = false;
    out.textContent = 'error';
  }
})();
