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
    view = images.filter(function (img) {
      return (cls === '' || String(img[2]) === cls) && (text === '' || img[1].toLowerCase().indexOf(text) !== -1);
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
  // A bar of the classes chart filters the gallery by its class.
  document.querySelectorAll('[data-filter-class]').forEach(function (bar) {
    bar.addEventListener('click', function () {
      classSelect.value = bar.getAttribute('data-filter-class');
      apply();
      document.getElementById('images').scrollIntoView();
    });
  });

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
