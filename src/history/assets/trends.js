// Draws the trend page's charts from the JSON embedded in it. Runs offline: Chart.js is inlined above.
(() => {
  const series = JSON.parse(document.getElementById('mqbench-trends').textContent);
  const container = document.getElementById('trend-charts');
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.size = 11;
  const scale = { bytes: [1 / 1048576, 'MiB'] };
  let drawn = 0;
  for (const entry of series) {
    const card = document.createElement('div');
    card.className = 'card';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('aria-label', entry.title);
    card.appendChild(canvas);
    container.appendChild(card);
    const [factor, unit] = scale[entry.unit] ?? [1, entry.unit];
    const labels = entry.points.map((point) => point.sha.slice(0, 7));
    const value = (number) => (number === null || number === undefined ? null : number * factor);
    const marks = entry.points.map(() => null);
    const markColors = entry.points.map(() => 'transparent');
    for (const change of entry.changes) {
      marks[change.index] = value(entry.points[change.index].value);
      markColors[change.index] = change.direction === 'worse' ? '#b00020' : '#1b7f3b';
    }
    new Chart(canvas, {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'CI high', data: entry.points.map((point) => value(point.ci95 ? point.ci95[1] : point.value)), borderWidth: 0, pointRadius: 0, fill: '+1', backgroundColor: 'rgba(51,102,204,0.15)' },
          { label: 'CI low', data: entry.points.map((point) => value(point.ci95 ? point.ci95[0] : point.value)), borderWidth: 0, pointRadius: 0, fill: false },
          { label: 'median', data: entry.points.map((point) => value(point.value)), borderColor: '#3366cc', backgroundColor: '#3366cc', pointRadius: 2, tension: 0 },
          { label: 'change point', data: marks, showLine: false, backgroundColor: '#b00020', borderColor: '#b00020', pointStyle: 'triangle', pointRadius: 8, pointBackgroundColor: markColors, pointBorderColor: markColors },
        ],
      },
      options: {
        plugins: {
          title: { display: true, text: [entry.title, entry.subtitle] },
          legend: { labels: { filter: (item) => item.text === 'median' || item.text === 'change point' } },
          tooltip: {
            filter: (item) => item.datasetIndex >= 2 && item.raw !== null,
            callbacks: {
              title: (items) => {
                const point = entry.points[items[0].dataIndex];
                return `${point.sha}${point.ref ? ` (${point.ref})` : ''} · ${point.at.replace('T', ' ').slice(0, 16)}`;
              },
              label: (item) => {
                const point = entry.points[item.dataIndex];
                if (item.datasetIndex === 3) {
                  const change = entry.changes.find((candidate) => candidate.index === item.dataIndex);
                  return `change point: ${(change.change * 100).toFixed(1)} % (${change.direction}, p ${change.pValue.toFixed(3)})`;
                }
                const ci = point.ci95 ? ` [${value(point.ci95[0]).toPrecision(4)}, ${value(point.ci95[1]).toPrecision(4)}]` : '';
                return `${value(point.value).toPrecision(4)} ${unit}${ci} · ${point.trials} trials`;
              },
            },
          },
        },
        scales: { y: { title: { display: true, text: `${unit} (${entry.better} is better)` } }, x: { ticks: { maxRotation: 60, autoSkip: true } } },
      },
    });
    drawn += 1;
  }
  window.mqbenchCharts = drawn;
})();
