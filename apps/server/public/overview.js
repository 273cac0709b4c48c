// The cache overview: polls the ops API and draws what it finds. No build step.
(() => {
  const REFRESH_MS = 5000;
  const HISTORY = 60;
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const $ = (id) => document.getElementById(id);
  const fmt = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'));
  const time = () => new Date().toLocaleTimeString();

  const line = (id, labels, yExtra = {}) =>
    new Chart($(id), {
      type: 'line',
      // Small points: with pointRadius 0 a single sample (the first 5 s after load) draws nothing.
      data: { labels: [], datasets: labels.map((label) => ({ label, data: [], tension: 0.2, pointRadius: 2, borderWidth: 2 })) },
      options: { animation: false, scales: { y: { beginAtZero: true, ...yExtra } } },
    });
  const memoryChart = line('memoryChart', ['used MB']);
  const hitChart = line('hitChart', ['L1 %', 'L2 %', 'L3 %'], { suggestedMax: 100 });
  const runsChart = new Chart($('runsChart'), {
    type: 'bar',
    data: { labels: [], datasets: ['global', 'analyze', 'hot', 'cold', 'sets'].map((label) => ({ label, data: [] })) },
    options: { animation: false, indexAxis: 'y', scales: { x: { stacked: true, title: { display: true, text: 'seconds' } }, y: { stacked: true } } },
  });

  const push = (chart, values) => {
    chart.data.labels.push(time());
    values.forEach((v, i) => chart.data.datasets[i].data.push(v));
    if (chart.data.labels.length > HISTORY) {
      chart.data.labels.shift();
      chart.data.datasets.forEach((d) => d.data.shift());
    }
    chart.update();
  };
  // Cells are set as text, never as HTML: store and run ids come from data. A cell is a value or
  // { text, title, wrap }; columns listed in `numeric` are right-aligned.
  const rows = (el, header, body, numeric = []) => {
    const cell = (tag, value, i) => {
      const c = document.createElement(tag);
      const { text, title, wrap } = value !== null && typeof value === 'object' ? value : { text: value };
      c.textContent = text === null || text === undefined ? '–' : String(text);
      if (title) c.title = title;
      if (numeric.includes(i)) c.classList.add('num');
      if (wrap) c.classList.add('wrap');
      return c;
    };
    const row = (tag, values) => {
      const tr = document.createElement('tr');
      values.forEach((v, i) => tr.append(cell(tag, v, i)));
      return tr;
    };
    el.replaceChildren(row('th', header), ...body.map((r) => row('td', r)));
  };
  const get = async (path) => {
    const response = await fetch(path, { headers });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return response.json();
  };

  async function refresh() {
    const [stats, queues, hot, runs] = await Promise.all([get('/v1/stats'), get('/v1/queues'), get('/v1/hot-stores'), get('/v1/runs')]);
    const budget = stats.max_memory_mb === null ? 'no maxmemory' : `of ${stats.max_memory_mb} MB (${stats.memory_usage_pct}%)`;
    $('memory').textContent = `${stats.used_memory_mb} MB ${budget}`;
    $('hitRate').textContent = stats.hit_rate === null ? 'no reads yet' : `${stats.hit_rate}% overall`;
    push(memoryChart, [stats.used_memory_mb]);
    push(hitChart, ['l1', 'l2', 'l3'].map((l) => stats.levels[l].hit_rate));
    rows($('keys'), ['level', 'keys', 'hits', 'misses'], ['l1', 'l2', 'l3'].map((l) => [l.toUpperCase(), fmt(stats.levels[l].keys), fmt(stats.levels[l].hits), fmt(stats.levels[l].misses)]), [1, 2, 3]);
    $('l4').textContent = `L4: ${fmt(stats.l4.entries)} entries, ${fmt(stats.l4.bytes)} bytes in ${stats.l4.processes} process(es); stored ${fmt(stats.bytes.stored)} of ${fmt(stats.bytes.raw)} serialized bytes`;
    rows($('queues'), ['queue', 'waiting', 'active', 'children', 'completed', 'failed'], Object.entries(queues).map(([name, c]) => [name, c.waiting, c.active, c['waiting-children'], c.completed, c.failed]), [1, 2, 3, 4, 5]);
    rows($('hot'), ['store', 'score', 'hot'], hot.stores.slice(0, 10).map((s) => [s.store_id, s.score.toFixed(2), hot.hot.includes(s.store_id) ? '●' : '']), [1]);
    const recent = runs.runs.slice(0, 8).reverse();
    runsChart.data.labels = recent.map((r) => r.runId.replace(/^run-/, ''));
    runsChart.data.datasets.forEach((d) => (d.data = recent.map((r) => (r.phases.find((p) => p.name === d.label)?.durationMs ?? 0) / 1000)));
    runsChart.update();
    // The "run-" prefix is dropped to keep the table inside its card (the full id is the cell's
    // title); a longer id (runs started over HTTP) may still wrap at its hyphen.
    rows($('runs'), ['run', 'status', { text: 's', title: 'duration in seconds' }, 'L2 entries'], runs.runs.slice(0, 8).map((r) => [{ text: r.runId.replace(/^run-/, ''), title: r.runId, wrap: true }, r.status, (r.durationMs / 1000).toFixed(1), fmt(r.entries.l2)]), [2, 3]);
    $('updated').textContent = `updated ${time()}`;
    document.body.dataset.loaded = 'true';
  }

  const loop = () => refresh().catch((err) => ($('updated').textContent = `refresh failed: ${err.message}`)).finally(() => setTimeout(loop, REFRESH_MS));
  loop();
})();
