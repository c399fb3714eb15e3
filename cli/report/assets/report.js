/* ic-pipeline run report: the gallery. Data comes from data.js (window.IC_REPORT), loaded by a script
   tag so that the report works from disk (file://) where fetch() is not allowed. Cards are made one page
   at a time as the page is scrolled (IntersectionObserver), and images load lazily, so that 10,000
   images stay smooth. Every text from the data is set with textContent: names from S3 are not HTML. */
(function () {
  'use strict';
  var data = window.IC_REPORT;
  var PAGE = 120;
  var LOW = data.lowConfidence;
  var classes = data.classes;
  // images: [thumb or null, name, classIndex1, p1, classIndex2, p2, classIndex3, p3]
  var images = data.images;

  var gallery = document.getElementById('gallery');
  var more = document.getElementById('more');
  var countEl = document.getElementById('count');
  var classSelect = document.getElementById('class-filter');
  var sortSelect = document.getElementById('sort');
  var search = document.getElementById('search');
  var wrongOnly = document.getElementById('wrong-only');
  // The evaluation (labelled inputs only): each image's label (-1: unlabelled) and the confusion matrix.
  var evaluation = data.evaluation || null;
  if (evaluation) images.forEach(function (img, i) { img.label = evaluation.labels[i]; });

  var perClass = {};
  images.forEach(function (img) { perClass[img[2]] = (perClass[img[2]] || 0) + 1; });
  Object.keys(perClass)
    .map(Number)
    .sort(function (a, b) { return perClass[b] - perClass[a] || String(classes[a]).localeCompare(String(classes[b])); })
    .forEach(function (index) {
      var option = document.createElement('option');
      option.value = String(index);
      option.textContent = classes[index] + ' (' + perClass[index] + ')';
      classSelect.appendChild(option);
    });

  var view = [];
  var shown = 0;
  var observer = null;

  function percent(p) { return (p * 100).toFixed(1) + '%'; }

  function card(img) {
    var el = document.createElement('div');
    el.className = 'card' + (img[3] < LOW ? ' low' : '');
    el.setAttribute('data-class', classes[img[2]]);
    el.setAttribute('data-probability', String(img[3]));
    var box = document.createElement('div');
    box.className = 'thumb';
    if (img[0]) {
      var pic = document.createElement('img');
      pic.loading = 'lazy';
      pic.decoding = 'async';
      pic.src = img[0];
      pic.alt = img[1];
      box.appendChild(pic);
    } else {
      var none = document.createElement('span');
      none.className = 'noimg';
      none.textContent = 'image not available';
      box.appendChild(none);
    }
    el.appendChild(box);
    var name = document.createElement('div');
    name.className = 'name';
    name.textContent = img[1];
    name.title = img[1];
    el.appendChild(name);
    var list = document.createElement('ol');
    for (var k = 2; k + 1 < img.length; k += 2) {
      var li = document.createElement('li');
      var cls = document.createElement('span');
      cls.className = 'cls';
      cls.textContent = classes[img[k]];
      cls.title = classes[img[k]];
      var p = document.createElement('span');
      p.className = 'p';
      p.textContent = percent(img[k + 1]);
      var meter = document.createElement('span');
      meter.className = 'meter';
      var fill = document.createElement('b');
      fill.style.width = Math.max(0, Math.min(100, img[k + 1] * 100)).toFixed(1) + '%';
      meter.appendChild(fill);
      li.appendChild(cls);
      li.appendChild(p);
      li.appendChild(meter);
      list.appendChild(li);
    }
    el.appendChild(list);
    if (img.label !== undefined && img.label >= 0) {
      var right = img.label === img[2];
      el.className += right ? ' right' : ' wrong';
      el.setAttribute('data-actual', classes[img.label]);
      var truth = document.createElement('div');
      truth.className = 'truth';
      var actual = document.createElement('span');
      actual.className = 'actual';
      actual.textContent = 'actual: ' + classes[img.label];
      var predicted = document.createElement('span');
      predicted.className = 'predicted';
      predicted.textContent = 'predicted: ' + classes[img[2]];
      truth.appendChild(actual);
      truth.appendChild(predicted);
      el.appendChild(truth);
    }
    return el;
  }

  function showMore() {
    var end = Math.min(view.length, shown + PAGE);
    var fragment = document.createDocumentFragment();
    for (var i = shown; i < end; i++) fragment.appendChild(card(view[i]));
    gallery.appendChild(fragment);
    shown = end;
    more.textContent = shown < view.length ? 'Loading more…' : view.length ? '' : 'No image matches.';
    countEl.textContent = 'Showing ' + shown.toLocaleString('en-US') + ' of ' + view.length.toLocaleString('en-US') +
      (view.length !== images.length ? ' (' + images.length.toLocaleString('en-US') + ' in all)' : '') + ' images';
    // Observing again reports whether the end of the list is still in view (a short page): if it is, the
    // next page follows at once.
    if (observer && shown < view.length) {
      observer.unobserve(more);
      observer.observe(more);
    }
  }

  function apply() {
    var cls = classSelect.value;
    var text = search.value.trim().toLowerCase();
    var wrong = Boolean(wrongOnly && wrongOnly.checked);
    view = images.filter(function (img) {
      return (cls === '' || String(img[2]) === cls) && (text === '' || img[1].toLowerCase().indexOf(text) !== -1) &&
        (!wrong || (img.label >= 0 && img.label !== img[2]));
    });
    var sort = sortSelect.value;
    view.sort(function (a, b) {
      if (sort === 'confidence-asc') return a[3] - b[3] || (a[1] < b[1] ? -1 : 1);
      if (sort === 'name') return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
      return b[3] - a[3] || (a[1] < b[1] ? -1 : 1);
    });
    gallery.textContent = '';
    shown = 0;
    showMore();
  }

  classSelect.addEventListener('change', apply);
  sortSelect.addEventListener('change', apply);
  search.addEventListener('input', apply);
  if (wrongOnly) wrongOnly.addEventListener('change', apply);
  // A bar of the classes chart filters the gallery by its class.
  document.querySelectorAll('[data-filter-class]').forEach(function (bar) {
    bar.addEventListener('click', function () {
      classSelect.value = bar.getAttribute('data-filter-class');
      apply();
      document.getElementById('images').scrollIntoView();
    });
  });

  // The per-class table: a heading sorts by its column (again: the other way); empty cells (no value) last.
  var perClassTable = document.getElementById('per-class');
  if (perClassTable) {
    var sortState = { key: null, dir: 1 };
    perClassTable.querySelectorAll('button[data-sort]').forEach(function (button) {
      button.addEventListener('click', function () {
        var key = Number(button.getAttribute('data-sort'));
        var numeric = button.getAttribute('data-type') === 'number';
        sortState.dir = sortState.key === key ? -sortState.dir : 1;
        sortState.key = key;
        var body = perClassTable.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[key].getAttribute('data-value');
          var y = b.cells[key].getAttribute('data-value');
          if (numeric) {
            if (x === '' || y === '') return x === y ? 0 : x === '' ? 1 : -1;
            return (Number(x) - Number(y)) * sortState.dir;
          }
          return x.localeCompare(y) * sortState.dir;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        perClassTable.querySelectorAll('th').forEach(function (th) { th.removeAttribute('aria-sort'); });
        button.parentNode.setAttribute('aria-sort', sortState.dir === 1 ? 'ascending' : 'descending');
      });
    });
  }

  // The confusion heat map on a canvas: one cell per (actual, predicted) pair of the classes shown, its
  // shade the cell's share of the row (green on the diagonal, red off it). At hundreds of classes "only
  // classes with errors" (on by default above 60 classes) keeps the rows and columns that hold an error;
  // hovering a cell names it.
  var canvas = document.getElementById('confusion');
  if (canvas && evaluation) drawConfusion(canvas);

  function drawConfusion(canvas) {
    var n = evaluation.n;
    var cells = evaluation.cells;
    var support = new Array(n).fill(0);
    var inUse = new Array(n).fill(false);
    var withError = new Array(n).fill(false);
    var counts = {};
    cells.forEach(function (c) {
      support[c[0]] += c[2];
      inUse[c[0]] = inUse[c[1]] = true;
      if (c[0] !== c[1]) withError[c[0]] = withError[c[1]] = true;
      counts[c[0] * n + c[1]] = c[2];
    });
    var errorsOnly = document.getElementById('errors-only');
    var tip = document.getElementById('confusion-tip');
    var shown = [];
    var size = 0;
    errorsOnly.checked = n > 60;
    function draw() {
      shown = [];
      for (var i = 0; i < n; i++) if (errorsOnly.checked ? withError[i] : inUse[i]) shown.push(i);
      var m = Math.max(1, shown.length);
      size = Math.max(4, Math.min(24, Math.floor(720 / m)));
      var ratio = window.devicePixelRatio || 1;
      canvas.width = m * size * ratio;
      canvas.height = m * size * ratio;
      canvas.style.width = m * size + 'px';
      canvas.style.height = m * size + 'px';
      canvas.setAttribute('data-cell', String(size));
      canvas.setAttribute('data-classes', shown.join(','));
      var ctx = canvas.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = '#f6f7f9';
      ctx.fillRect(0, 0, m * size, m * size);
      for (var r = 0; r < shown.length; r++) {
        for (var c = 0; c < shown.length; c++) {
          var count = counts[shown[r] * n + shown[c]];
          if (!count) continue;
          var share = count / Math.max(1, support[shown[r]]);
          var alpha = 0.15 + 0.85 * share;
          ctx.fillStyle = r === c ? 'rgba(40,140,80,' + alpha + ')' : 'rgba(200,50,50,' + alpha + ')';
          ctx.fillRect(c * size, r * size, size - (size >= 8 ? 1 : 0), size - (size >= 8 ? 1 : 0));
        }
      }
    }
    canvas.addEventListener('mousemove', function (event) {
      var box = canvas.getBoundingClientRect();
      var c = Math.floor((event.clientX - box.left) / size);
      var r = Math.floor((event.clientY - box.top) / size);
      if (r < 0 || c < 0 || r >= shown.length || c >= shown.length) { tip.textContent = ''; return; }
      var count = counts[shown[r] * n + shown[c]] || 0;
      var rowSupport = support[shown[r]];
      tip.textContent = 'actual ' + classes[shown[r]] + ' → predicted ' + classes[shown[c]] + ': ' + count +
        (rowSupport ? ' of ' + rowSupport + ' (' + percent(count / rowSupport) + ')' : '');
      tip.style.left = (event.clientX - box.left + canvas.offsetLeft + 12) + 'px';
      tip.style.top = (event.clientY - box.top + canvas.offsetTop + 12) + 'px';
      tip.style.display = 'block';
    });
    canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
    errorsOnly.addEventListener('change', draw);
    draw();
  }

  if ('IntersectionObserver' in window) {
    observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; }) && shown < view.length) showMore();
    }, { rootMargin: '800px' });
    observer.observe(more);
  } else {
    more.addEventListener('click', showMore);
  }
  apply();
})();
