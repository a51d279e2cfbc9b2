// gonghui: the little behaviour pages need beyond htmx. Pages work without it.
// Picking a suggestion fills the picker input with "名称 #id", which the server resolves.
document.addEventListener('click', function (ev) {
  var b = ev.target.closest('[data-pick]');
  if (!b) return;
  ev.preventDefault();
  var input = document.getElementById(b.getAttribute('data-for'));
  if (input) { input.value = b.getAttribute('data-pick'); input.focus(); }
  var box = b.closest('.suggest');
  if (box) box.innerHTML = '';
});
document.addEventListener('click', function (ev) {
  if (ev.target.closest('[data-print]')) window.print();
});
