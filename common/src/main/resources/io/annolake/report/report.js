// Draws every chart of the page from its data-option attribute (JSON, parsed, never evaluated).
(function () {
  'use strict';
  function draw() {
    var nodes = document.querySelectorAll('div.chart[data-option]');
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      var chart = echarts.init(el, null, { renderer: 'svg' });
      chart.setOption(JSON.parse(el.getAttribute('data-option')));
      el.setAttribute('data-rendered', 'true');
    }
    window.addEventListener('resize', function () {
      for (var j = 0; j < nodes.length; j++) {
        var c = echarts.getInstanceByDom(nodes[j]);
        if (c) { c.resize(); }
      }
    });
  }
  document.addEventListener('DOMContentLoaded', draw);
})();
