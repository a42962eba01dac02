/* Forms for work in villages with a poor connection.

   form[data-draft="key"]: what is typed is kept in this browser (localStorage) until the form has been
   sent, and put back if the page is opened again before that.

   form[data-offline]: sent with fetch. When the connection fails the whole form, files included, waits
   in an outbox (IndexedDB) and is sent again when the connection returns, on the next page load, or
   every half minute. Each such form carries a once-only key (web.submissions), so a copy that did reach
   the server before the connection dropped is not saved twice.

   Without JavaScript, or without IndexedDB, the forms post as ordinary forms. */
(function () {
  "use strict";
  var DB_NAME = "notoneless", STORE = "outbox", RETRY_MS = 30000;
  var SKIPPED = {csrfmiddlewaretoken: true, submission: true};
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
  var TEXT = zh ? {
    queued: "网络不通：已保存在本机，联网后自动提交。",
    waiting: "本机有 {n} 份表单等待提交，联网后自动提交。",
    sent: "联网后已提交本机保存的表单。",
    login: "登录已过期：请重新登录，本机保存的表单随后自动提交。",
    restored: "已恢复本机保存的未提交内容。"
  } : {
    queued: "No connection: saved on this device, it will be sent when the connection returns.",
    waiting: "{n} form(s) saved on this device wait to be sent when the connection returns.",
    sent: "The forms saved on this device have been sent.",
    login: "Your session has expired: log in again and the saved forms will be sent.",
    restored: "What you had typed here and not yet sent has been put back."
  };

  function banner(message) {
    var box = document.getElementById("outbox-status");
    if (!box) {
      box = document.createElement("p");
      box.id = "outbox-status";
      box.className = "notice";
      box.setAttribute("role", "status");
      var main = document.querySelector("main") || document.body;
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = message;
    box.hidden = !message;
  }

  /* --- drafts ---------------------------------------------------------------------------------- */

  function draftKey(form) { return "draft:" + form.getAttribute("data-draft"); }

  function saveDraft(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || SKIPPED[field.name] || field.type === "file" || field.type === "hidden") return;
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      (values[field.name] = values[field.name] || []).push(field.value);
    });
    try { localStorage.setItem(draftKey(form), JSON.stringify(values)); } catch (e) { /* storage full or off */ }
  }

  function restoreDraft(form) {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(draftKey(form)) || "null"); } catch (e) { saved = null; }
    if (!saved) return;
    Array.prototype.forEach.call(form.elements, function (field) {
      var values = saved[field.name];
      if (!values || SKIPPED[field.name] || field.type === "file" || field.type === "hidden") return;
      if (field.type === "checkbox" || field.type === "radio") field.checked = values.indexOf(field.value) >= 0;
      else field.value = values[0];
    });
    var note = document.createElement("p");
    note.className = "muted draft-restored";
    note.textContent = TEXT.restored;
    form.insertBefore(note, form.firstChild);
  }

  function dropDraft(form) {
    if (form.hasAttribute("data-draft")) {
      try { localStorage.removeItem(draftKey(form)); } catch (e) { /* nothing kept */ }
    }
  }

  /* --- the outbox ------------------------------------------------------------------------------ */

  function openStore() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, {keyPath: "id", autoIncrement: true}); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openStore().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        work(tx.objectStore(STORE), function (value) { result = value; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function entriesOf(form) {
    var entries = [];
    new FormData(form).forEach(function (value, name) { entries.push([name, value]); });
    return entries;
  }

  function queue(form) {
    var item = {action: form.action, entries: entriesOf(form), at: Date.now(), user: document.body.getAttribute("data-user") || ""};
    return withStore("readwrite", function (store) { store.add(item); }).then(function () {
      dropDraft(form);
      banner(TEXT.queued);
    });
  }

  function post(action, body) {
    return fetch(action, {method: "POST", body: body, credentials: "same-origin", headers: {"X-Requested-With": "fetch", "X-Offline-Form": "1"}});
  }

  function bodyOf(entries) {
    var body = new FormData();
    entries.forEach(function (entry) { body.append(entry[0], entry[1]); });
    return body;
  }

  function loggedOut(response) { return response.redirected && response.url.indexOf("/login/") >= 0; }

  var flushing = null;
  function flush() {
    if (flushing || !window.indexedDB) return flushing;
    flushing = withStore("readonly", function (store, done) {
      var all = store.getAll();
      all.onsuccess = function () { done(all.result); };
    }).then(function (items) {
      var user = document.body.getAttribute("data-user") || "";
      items = (items || []).filter(function (item) { return !item.user || item.user === user; });
      if (!items.length) return 0;
      var sent = 0, stop = false;
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          if (stop) return;
          return post(item.action, bodyOf(item.entries)).then(function (response) {
            if (loggedOut(response)) { stop = true; banner(TEXT.login); return; }
            if (response.status >= 500) { stop = true; return; }
            sent += 1;
            return withStore("readwrite", function (store) { store.delete(item.id); });
          }, function () { stop = true; });
        });
      }, Promise.resolve()).then(function () {
        var left = items.length - sent;
        var box = document.getElementById("outbox-status");
        if (left && !(box && box.textContent === TEXT.login)) banner(TEXT.waiting.replace("{n}", left));
        else if (!left) banner(TEXT.sent);
        return left;
      });
    }).catch(function () { return 0; }).then(function (left) { flushing = null; return left; });
    return flushing;
  }

  /* --- sending a form -------------------------------------------------------------------------- */

  function send(form) {
    var buttons = form.querySelectorAll("button, input[type=submit]");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    post(form.action, new FormData(form)).then(function (response) {
      var location = response.headers.get("X-Location");
      if (response.status === 204 && location) {
        dropDraft(form);
        window.location.assign(location);
      } else {
        form.submit();  /* the page has something to say (a field to correct, a login): let it say it */
      }
    }, function () {
      queue(form).catch(function () { form.submit(); });
      Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
    });
  }

  window.NotOneLess = window.NotOneLess || {};
  window.NotOneLess.outbox = {queue: queue, flush: flush};

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.indexedDB || !window.fetch) return;
    Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), function (form) {
      restoreDraft(form);
      form.addEventListener("input", function () { saveDraft(form); });
      form.addEventListener("change", function () { saveDraft(form); });
    });
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.hasAttribute || !form.hasAttribute("data-offline")) return;
      event.preventDefault();
      send(form);
    });
    window.addEventListener("online", flush);
    window.setInterval(flush, RETRY_MS);
    flush();
  });
})();
