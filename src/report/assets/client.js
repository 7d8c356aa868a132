// Draws the report's charts from the JSON embedded in the page. Runs offline: Chart.js is inlined above.
(() => {
  const data = JSON.parse(document.getElementById('mqbench-data').textContent);
  const palette = ['#3366cc', '#dc3912', '#ff9900', '#109618', '#990099', '#0099c6', '#dd4477', '#66aa00', '#b82e2e', '#316395'];
  const color = (index) => palette[index % palette.length];
  const charts = [];
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.size = 11;

  function card(container, title) {
    const element = document.createElement('div');
    element.className = 'card';
    const canvas = document.createElement('canvas');
    canvas.setAttribute('aria-label', title);
    element.appendChild(canvas);
    container.appendChild(element);
    return canvas;
  }

  const unitScale = { bytes: [1 / 1048576, 'MiB'] };

  // Whiskers over bars: each dataset may carry `errorBars` ([low, high] per bar, or null), drawn after the bars.
  const errorBarPlugin = {
    id: 'mqbenchErrorBars',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const y = chart.scales.y;
      chart.data.datasets.forEach((dataset, datasetIndex) => {
        const meta = chart.getDatasetMeta(datasetIndex);
        if (!dataset.errorBars || meta.hidden) return;
        meta.data.forEach((bar, index) => {
          const range = dataset.errorBars[index];
          if (!range) return;
          const [top, bottom] = [y.getPixelForValue(range[1]), y.getPixelForValue(range[0])];
          const half = Math.min(6, bar.width / 4);
          ctx.save();
          ctx.strokeStyle = '#222';
          ctx.lineWidth = 1.25;
          ctx.beginPath();
          ctx.moveTo(bar.x, top);
          ctx.lineTo(bar.x, bottom);
          ctx.moveTo(bar.x - half, top);
          ctx.lineTo(bar.x + half, top);
          ctx.moveTo(bar.x - half, bottom);
          ctx.lineTo(bar.x + half, bottom);
          ctx.stroke();
          ctx.restore();
        });
      });
    },
  };

  // Grouped bars: one chart per metric, parameter points on the x axis, one bar per target (the published table's shape).
  const bars = document.getElementById('bar-charts');
  for (const metric of data.metrics) {
    const [scale, unit] = unitScale[metric.unit] || [1, metric.unit];
    const rowAt = (name, point) => data.rows.find((candidate) => candidate.series === name && candidate.label === point);
    const datasets = data.seriesNames.map((name, index) => ({
      label: name,
      backgroundColor: color(index),
      data: data.points.map((point) => {
        const row = rowAt(name, point);
        const value = row ? row.values[metric.key] : null;
        return value === null || value === undefined ? null : value * scale;
      }),
      errorBars: data.points.map((point) => {
        const ci = rowAt(name, point)?.ci95[metric.key];
        return ci ? [ci[0] * scale, ci[1] * scale] : null;
      }),
    }));
    if (datasets.every((dataset) => dataset.data.every((value) => value === null))) continue;
    const title = `${metric.label} (${unit}) — ${metric.better} is better`;
    const highest = Math.max(0, ...datasets.flatMap((dataset) => dataset.errorBars.map((range) => (range ? range[1] : 0))));
    charts.push(new Chart(card(bars, title), {
      type: 'bar',
      data: { labels: data.points, datasets },
      options: { plugins: { title: { display: true, text: title } }, scales: { y: { beginAtZero: true, suggestedMax: highest || undefined } } },
      plugins: [errorBarPlugin],
    }));
  }

  // Percentile spectrum: x = 1/(1-p) on a log axis, so 90 %, 99 %, 99.9 % are evenly spaced.
  const toX = (percentile) => 100 / (100 - percentile);
  const tickLabel = (value) => {
    const percentile = 100 - 100 / value;
    const nice = [0, 50, 90, 99, 99.9, 99.99, 99.999, 99.9999];
    const match = nice.find((candidate) => Math.abs(toX(candidate) - value) / value < 0.01);
    return match === undefined ? '' : `${match}%`;
  };
  const spectra = document.getElementById('spectrum-charts');
  for (const kind of ['e2e', 'publish']) {
    const series = data.spectra.filter((spectrum) => spectrum.kind === kind);
    if (series.length === 0) continue;
    const title = `${kind === 'e2e' ? 'End-to-end' : 'Publish'} latency by percentile (ms, log scales)`;
    charts.push(new Chart(card(spectra, title), {
      type: 'line',
      data: {
        datasets: series.map((spectrum, index) => ({
          label: spectrum.name,
          borderColor: color(index),
          backgroundColor: color(index),
          pointRadius: 2,
          data: spectrum.points.map((point) => ({ x: toX(point.percentile), y: Math.max(point.ms, 0.001) })),
        })),
      },
      options: {
        plugins: { title: { display: true, text: title } },
        scales: {
          x: { type: 'logarithmic', min: 1, title: { display: true, text: 'percentile' }, ticks: { callback: tickLabel, autoSkip: false } },
          y: { type: 'logarithmic', title: { display: true, text: 'ms' } },
        },
      },
    }));
  }

  // Time series of each case's last measured trial: throughput, CPU cores, resident memory.
  const timeline = document.getElementById('timeseries-charts');
  const line = (label, xs, ys, index) => ({
    label,
    borderColor: color(index),
    backgroundColor: color(index),
    pointRadius: xs.length > 40 ? 0 : 2,
    borderWidth: 1.5,
    data: xs.map((x, i) => ({ x, y: ys[i] })),
  });
  for (const series of data.timeSeries) {
    const heading = document.createElement('h3');
    heading.textContent = series.name;
    timeline.appendChild(heading);
    const grid = document.createElement('div');
    grid.className = 'grid';
    timeline.appendChild(grid);
    const xAxis = { type: 'linear', title: { display: true, text: 's' } };
    const brokerLabel = series.scope === 'shared' ? 'broker+client' : 'broker';
    const sets = [
      ['Delivered messages/s and MB/s', [line('messages/s', series.t, series.messagesPerSec, 0), { ...line('MB/s (right axis)', series.t, series.megabytesPerSec, 1), yAxisID: 'y1' }]],
      [
        'CPU (cores)',
        series.scope === 'shared'
          ? [line(brokerLabel, series.resourceT, series.cpuCores.client, 2)]
          : [line(brokerLabel, series.resourceT, series.cpuCores.broker, 2), line('client', series.resourceT, series.cpuCores.client, 3)],
      ],
      [
        'Resident memory (MiB)',
        series.scope === 'shared'
          ? [line(brokerLabel, series.resourceT, series.rssBytes.client.map((b) => b / 1048576), 4)]
          : [
              line(brokerLabel, series.resourceT, series.rssBytes.broker.map((b) => b / 1048576), 4),
              line('client', series.resourceT, series.rssBytes.client.map((b) => b / 1048576), 5),
            ],
      ],
    ];
    for (const [title, datasets] of sets) {
      const scales = { x: xAxis, y: { beginAtZero: true } };
      if (datasets.some((dataset) => dataset.yAxisID === 'y1')) scales.y1 = { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } };
      charts.push(new Chart(card(grid, title), {
        type: 'line',
        data: { datasets },
        options: { plugins: { title: { display: true, text: title } }, scales },
      }));
    }
  }
  // Vector workload: search latency against the ingest rate, per second.
  const vectorCharts = document.getElementById('vector-charts');
  for (const series of data.vectorSeries || []) {
    charts.push(new Chart(card(vectorCharts, series.name), {
      type: 'line',
      data: {
        datasets: [
          line('search p50 (ms)', series.t, series.searchP50Ms, 0),
          line('search p99 (ms)', series.t, series.searchP99Ms, 1),
          { ...line('ingest rows/s (right axis)', series.t, series.ingestRowsPerSec, 3), yAxisID: 'y1' },
        ],
      },
      options: {
        plugins: { title: { display: true, text: `${series.name}: search latency vs ingest rate` } },
        scales: { x: { type: 'linear', title: { display: true, text: 's' } }, y: { beginAtZero: true, title: { display: true, text: 'ms' } }, y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } } },
      },
    }));
  }

  // Baseline → candidate: per case, each metric's change as a 95% CI bar over a grey band of the observed noise.
  const comparisonCharts = document.getElementById('comparison-charts');
  if (comparisonCharts && data.comparison) {
    const verdictColor = { worse: '#dc3912', better: '#109618', unchanged: '#3366cc', inconclusive: '#999999' };
    for (const caseLabel of [...new Set(data.comparison.rows.map((row) => row.caseLabel))]) {
      const rows = data.comparison.rows.filter((row) => row.caseLabel === caseLabel && Number.isFinite(row.ciPct[0]) && Number.isFinite(row.ciPct[1]));
      if (rows.length === 0) continue;
      const canvas = card(comparisonCharts, caseLabel);
      canvas.parentElement.style.minHeight = `${80 + rows.length * 26}px`;
      charts.push(new Chart(canvas, {
        type: 'bar',
        data: {
          labels: rows.map((row) => `${row.metric} (${row.better} is better)`),
          datasets: [
            { label: 'noise band', data: rows.map((row) => [-row.noisePct, row.noisePct]), backgroundColor: 'rgba(0,0,0,0.08)', grouped: false, order: 2 },
            { label: '95% CI of the change', data: rows.map((row) => row.ciPct), backgroundColor: rows.map((row) => verdictColor[row.verdict] || '#3366cc'), grouped: false, barPercentage: 0.5, order: 1 },
          ],
        },
        options: { indexAxis: 'y', plugins: { title: { display: true, text: `${caseLabel}: change vs baseline (%)` } }, scales: { x: { title: { display: true, text: '%' } } } },
      }));
    }
  }
  window.mqbenchCharts = charts.length;
})();
