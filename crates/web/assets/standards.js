// gonghui: the standard editor recomputes each item's share of the total as points are typed.
// The page works without it (the server computes the shares on every save or "再加5行").
(function () {
  var form = document.getElementById('standard-form');
  if (!form) return;
  function share(points, total) {
    if (!(total > 0) || !(points > 0)) return '—';
    var tenths = Math.round(points * 1000 / total);
    return (tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1)) + '%';
  }
  function update() {
    var inputs = form.querySelectorAll('input[data-points]');
    var total = 0;
    inputs.forEach(function (i) {
      var p = parseInt(i.value, 10);
      if (p > 0) total += p;
    });
    inputs.forEach(function (i) {
      var row = i.closest('tr');
      var out = row && row.querySelector('[data-share]');
      if (out) out.textContent = share(parseInt(i.value, 10), total);
    });
    var t = document.getElementById('total-points');
    if (t) t.textContent = String(total);
  }
  form.addEventListener('input', function (ev) {
    if (ev.target.matches('input[data-points]')) update();
  });
})();
