// Runs in <head>, before the page's scripts load and before the stylesheets apply.
;(function () {
  var s = {}
  try {
    s = JSON.parse(localStorage.getItem('strata.prefs') || '{}').state || {}
  } catch {
    // unreadable preferences: the app's defaults, as the store does
  }

  // <html>'s language and theme as the app will give them (hooks/usePrefsEffects.ts, by
  // stores/prefs.ts's resolveLang and resolveTheme, whose rules this repeats), so the page's first
  // style recalculation is its only one: changed after it, each restyled the whole page,
  // PatternFly's tokens on :root included.
  var lang = s.lang === 'en' || s.lang === 'ja' ? s.lang : (navigator.language || '').toLowerCase().indexOf('ja') === 0 ? 'ja' : 'en'
  var theme = s.theme === 'light' || s.theme === 'dark' ? s.theme : matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
  var root = document.documentElement
  root.lang = lang
  root.dataset.theme = theme
  if (theme === 'dark') root.classList.add('pf-v6-theme-dark')

  // Browser mode: the API's socket is opened now and the first view's data asked for, so that the
  // server works on the listing while the page's scripts load and run (~0.5 s, the listing's
  // request left only after them). api.ts takes the socket over, and the app's first calls of the
  // same methods and parameters (hooks/useLiveData.ts's firstRefresh) get these answers.
  if (window.strata || !/^https?:$/.test(location.protocol)) return
  var token = new URLSearchParams(location.search).get('token') || ''
  var socket = new WebSocket((location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/rpc?token=' + encodeURIComponent(token))
  var calls = [
    { id: 1, method: 'lxcpaths', params: {} },
    { id: 2, method: 'hosts', params: {} },
    { id: 3, method: 'listContainers', params: { all: s.showHidden === true } }
  ]
  var received = []
  var keep = function (ev) {
    received.push(ev.data)
  }
  socket.addEventListener('message', keep)
  socket.addEventListener('open', function () {
    calls.forEach(function (c) {
      socket.send(JSON.stringify(c))
    })
  })
  window.strataEarlySocket = {
    socket: socket,
    calls: calls,
    takeOver: function () {
      socket.removeEventListener('message', keep)
      return received.splice(0)
    }
  }
})()
