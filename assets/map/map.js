// The /map page of `incidentmap serve`: the incidents as zoom-level clusters
// over an offline base map. Every URL is relative to the page, every piece
// of data is put into the page as text (never as markup).
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('config').textContent);
  var statusEl = document.getElementById('status');
  var seq = 0;
  var labels = [];
  var DAY_MS = 86400000;
  // How many cluster counts are drawn as labels at most (the largest first).
  var MAX_LABELS = 400;

  function setStatus(state, text, data) {
    statusEl.dataset.state = state;
    ['clusters', 'incidents', 'features', 'zoom'].forEach(function (k) { delete statusEl.dataset[k]; });
    Object.keys(data || {}).forEach(function (k) { statusEl.dataset[k] = String(data[k]); });
    statusEl.textContent = text;
  }

  function fail(what, err) {
    setStatus('error', what + ': ' + (err && err.message ? err.message : String(err)));
  }

  if (!window.maplibregl) {
    fail('The map library did not load', 'maplibre-gl');
    return;
  }

  function url(path) {
    return new URL(path, document.baseURI).href;
  }

  // Dates as whole days since the first incident (UTC, no time of day).
  var first = config.first_date ? Date.parse(config.first_date + 'T00:00:00Z') : null;
  var last = config.last_date ? Date.parse(config.last_date + 'T00:00:00Z') : null;
  var days = first === null ? 0 : Math.round((last - first) / DAY_MS);
  function dayText(n) {
    return new Date(first + n * DAY_MS).toISOString().slice(0, 10);
  }

  var fromEl = document.getElementById('from');
  var toEl = document.getElementById('to');
  var typeEl = document.getElementById('type');
  fromEl.max = toEl.max = String(days);
  fromEl.value = '0';
  toEl.value = String(days);
  if (first === null) {
    fromEl.disabled = toEl.disabled = true;
  }

  var colourMatch = ['match', ['get', 'event_type']];
  var legend = document.getElementById('legend');
  config.event_types.forEach(function (tc) {
    colourMatch.push(tc[0], tc[1]);
    var opt = document.createElement('option');
    opt.value = tc[0];
    opt.textContent = tc[0];
    typeEl.appendChild(opt);
    var li = document.createElement('li');
    var sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = tc[1];
    li.appendChild(sw);
    li.appendChild(document.createTextNode(tc[0]));
    legend.appendChild(li);
  });
  colourMatch.push(config.fallback_colour);

  function typeColour(t) {
    for (var i = 0; i < config.event_types.length; i++) {
      if (config.event_types[i][0].toLowerCase() === t.toLowerCase()) return config.event_types[i][1];
    }
    return '#444444';
  }

  function showDates() {
    var a = Number(fromEl.value), b = Number(toEl.value);
    document.getElementById('from-label').textContent = first === null ? '–' : dayText(Math.min(a, b));
    document.getElementById('to-label').textContent = first === null ? '–' : dayText(Math.max(a, b));
  }
  showDates();

  var empty = { type: 'FeatureCollection', features: [] };
  var clusterColour = '#444444';
  var style = {
    version: 8,
    sources: {
      basemap: { type: 'geojson', data: empty },
      incidents: { type: 'geojson', data: empty }
    },
    layers: [
      { id: 'water', type: 'background', paint: { 'background-color': '#dbe7f0' } },
      { id: 'land', type: 'fill', source: 'basemap', filter: ['==', ['get', 'kind'], 'province'],
        paint: { 'fill-color': '#f5f2ea' } },
      { id: 'provinces', type: 'line', source: 'basemap', filter: ['==', ['get', 'kind'], 'province'],
        paint: { 'line-color': '#cdc4b3', 'line-width': 0.6 } },
      { id: 'countries', type: 'line', source: 'basemap', filter: ['==', ['get', 'kind'], 'country'],
        paint: { 'line-color': '#7a7263', 'line-width': 1.4 } },
      { id: 'clusters', type: 'circle', source: 'incidents', filter: ['==', ['get', 'cluster'], true],
        paint: {
          'circle-color': clusterColour,
          'circle-opacity': 0.8,
          'circle-radius': ['min', 34, ['+', 9, ['*', 2.2, ['sqrt', ['get', 'point_count']]]]],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1.5
        } },
      { id: 'incidents', type: 'circle', source: 'incidents', filter: ['!=', ['get', 'cluster'], true],
        paint: {
          'circle-color': colourMatch,
          'circle-opacity': ['case', ['==', ['get', 'geo_precision'], 3], 0.45, 0.9],
          'circle-radius': ['min', 24, ['+', 4, ['*', 2.5, ['sqrt', ['get', 'fatalities']]]]],
          'circle-stroke-color': '#222222',
          'circle-stroke-width': 1
        } }
    ]
  };

  var options = { container: 'map', style: style, attributionControl: false, renderWorldCopies: false };
  if (config.extent) {
    var e = config.extent;
    options.bounds = [[e[0], e[1]], [e[2], e[3]]];
    options.fitBoundsOptions = { padding: { top: 50, bottom: 50, left: 290, right: 50 }, maxZoom: 10 };
  } else {
    options.center = [0, 20];
    options.zoom = 1;
  }
  var map;
  try {
    map = new maplibregl.Map(options);
  } catch (err) {
    fail('The map could not start (WebGL?)', err);
    return;
  }
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl(), 'bottom-right');
  map.on('error', function (ev) { fail('Map error', ev.error || ev); });

  // The view as the server's bbox: longitudes wrapped into -180..180
  // (west > east crosses the antimeridian), latitudes clamped.
  function bboxParam() {
    var b = map.getBounds();
    var w = b.getWest(), east = b.getEast();
    var s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
    if (east - w >= 360) {
      w = -180;
      east = 180;
    } else {
      var wrap = function (x) { return ((((x + 180) % 360) + 360) % 360) - 180; };
      w = wrap(w);
      east = wrap(east);
      if (east === -180) east = 180;
    }
    return [w, s, east, n].map(function (x) { return x.toFixed(6); }).join(',');
  }

  function query() {
    var q = new URLSearchParams();
    q.set('zoom', String(Math.max(0, Math.min(20, Math.floor(map.getZoom())))));
    q.set('bbox', bboxParam());
    var a = Math.min(Number(fromEl.value), Number(toEl.value));
    var b = Math.max(Number(fromEl.value), Number(toEl.value));
    if (first !== null && (a > 0 || b < days)) q.set('datetime', dayText(a) + '/' + dayText(b));
    if (typeEl.value) q.set('event_type', typeEl.value);
    return q;
  }

  function errorText(r) {
    return r.text().then(function (t) {
      try { return JSON.parse(t).description || t; } catch (e) { return t; }
    }).catch(function () { return ''; }).then(function (t) {
      return new Error('HTTP ' + r.status + (t ? ': ' + t : ''));
    });
  }

  function getJson(path) {
    return fetch(url(path), { headers: { Accept: 'application/geo+json, application/json' } }).then(function (r) {
      if (!r.ok) return errorText(r).then(function (e) { throw e; });
      return r.json();
    });
  }

  function zoomInto(coords) {
    map.easeTo({ center: coords, zoom: Math.min(20, Math.floor(map.getZoom()) + 2) });
  }

  function drawLabels(features) {
    labels.forEach(function (m) { m.remove(); });
    labels = [];
    features
      .filter(function (f) { return f.properties.cluster === true; })
      .sort(function (a, b) { return b.properties.point_count - a.properties.point_count; })
      .slice(0, MAX_LABELS)
      .forEach(function (f) {
        var el = document.createElement('div');
        el.className = 'cluster-label';
        el.textContent = String(f.properties.point_count);
        el.title = f.properties.point_count + ' incidents, ' + f.properties.fatalities + ' killed: click to zoom in';
        el.addEventListener('click', function (ev) {
          ev.stopPropagation();
          zoomInto(f.geometry.coordinates);
        });
        labels.push(new maplibregl.Marker({ element: el }).setLngLat(f.geometry.coordinates).addTo(map));
      });
  }

  // The last query asked for: a moveend that changes nothing the server
  // answers (the first one, after the initial fit) asks nothing again.
  var lastQuery = null;

  function refresh() {
    showDates();
    var q = query();
    if (q.toString() === lastQuery) return;
    lastQuery = q.toString();
    var my = ++seq;
    setStatus('loading', 'Loading…');
    getJson('collections/incidents/clusters?' + q.toString()).then(function (fc) {
      if (my !== seq) return;
      clusterColour = typeEl.value ? typeColour(typeEl.value) : '#444444';
      map.setPaintProperty('clusters', 'circle-color', clusterColour);
      map.getSource('incidents').setData(fc);
      drawLabels(fc.features);
      var clusters = 0, incidents = 0;
      fc.features.forEach(function (f) {
        if (f.properties.cluster === true) clusters++;
        incidents += f.properties.point_count;
      });
      map.once('idle', function () {
        if (my !== seq) return;
        var more = fc.numberMatched > fc.numberReturned ? ' (the first ' + fc.numberReturned + ' shown)' : '';
        setStatus('ready', incidents + ' incidents in view, ' + clusters + ' clusters' + more, {
          clusters: clusters, incidents: incidents, features: fc.features.length, zoom: q.get('zoom')
        });
      });
      map.triggerRepaint();
    }).catch(function (err) {
      if (my !== seq) return;
      lastQuery = null;
      fail('Loading the incidents failed', err);
    });
  }

  function row(dl, name, value) {
    if (value === null || value === undefined || value === '') return;
    var dt = document.createElement('dt');
    dt.textContent = name;
    var dd = document.createElement('dd');
    dd.textContent = String(value);
    dl.appendChild(dt);
    dl.appendChild(dd);
  }

  var PRECISION = { 1: '1 (the place itself)', 2: '2 (near it, or part of a region)', 3: '3 (an area\u2019s centre)' };

  function popupFor(p) {
    var box = document.createElement('div');
    box.className = 'popup';
    var h = document.createElement('h2');
    h.textContent = p.event_type + (p.sub_event_type ? ' \u2013 ' + p.sub_event_type : '');
    box.appendChild(h);
    var dl = document.createElement('dl');
    row(dl, 'Date', p.event_date);
    row(dl, 'Actors', [p.actor1, p.actor2].filter(Boolean).join(' vs '));
    row(dl, 'Killed', p.fatalities);
    row(dl, 'Injured', p.injured);
    row(dl, 'Place', [p.location, p.admin1, p.country].filter(Boolean).join(', '));
    row(dl, 'Precision', PRECISION[p.geo_precision] || p.geo_precision);
    box.appendChild(dl);
    if (p.notes) {
      var quote = document.createElement('blockquote');
      quote.textContent = p.notes;
      box.appendChild(quote);
    }
    String(p.source || '').split('; ').filter(Boolean).forEach(function (src) {
      var line = document.createElement('div');
      line.className = 'note';
      if (/^https?:\/\//i.test(src)) {
        var a = document.createElement('a');
        a.href = src;
        a.textContent = src;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        line.appendChild(a);
      } else {
        line.textContent = 'Source: ' + src;
      }
      box.appendChild(line);
    });
    return box;
  }

  map.on('click', 'incidents', function (ev) {
    var f = ev.features && ev.features[0];
    if (!f) return;
    new maplibregl.Popup({ maxWidth: '320px' }).setLngLat(f.geometry.coordinates).setDOMContent(popupFor(f.properties)).addTo(map);
  });
  map.on('click', 'clusters', function (ev) {
    var f = ev.features && ev.features[0];
    if (f) zoomInto(f.geometry.coordinates);
  });
  ['incidents', 'clusters'].forEach(function (layer) {
    map.on('mouseenter', layer, function () { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', layer, function () { map.getCanvas().style.cursor = ''; });
  });

  map.on('load', function () {
    getJson('map/basemap.geojson').then(function (gj) {
      map.getSource('basemap').setData(gj);
    }).catch(function (err) { fail('Loading the base map failed', err); });
    refresh();
    map.on('moveend', refresh);
    fromEl.addEventListener('input', showDates);
    toEl.addEventListener('input', showDates);
    fromEl.addEventListener('change', refresh);
    toEl.addEventListener('change', refresh);
    typeEl.addEventListener('change', refresh);
  });
})();
