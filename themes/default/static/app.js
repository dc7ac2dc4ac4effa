// Progressive enhancement only: every action here also works as a plain form post.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok, status: r.status, json: j }; });
    });
  }

  // Votes: forms with data-vote submit through the API and update the score in place.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches("form[data-vote]")) {
      e.preventDefault();
      var post = form.getAttribute("data-post");
      var value = parseInt(form.getAttribute("data-vote"), 10);
      var box = form.closest(".votes");
      var pressed = form.querySelector("button").getAttribute("aria-pressed") === "true";
      var req = pressed ? api("DELETE", "/api/v1/posts/" + post + "/vote")
                        : api("POST", "/api/v1/posts/" + post + "/vote", { value: value });
      req.then(function (r) {
        if (!r.ok) { alert(r.json.error ? r.json.error.message : "Vote failed"); return; }
        box.querySelector(".score").textContent = r.json.score;
        box.querySelectorAll("form[data-vote] button").forEach(function (b) {
          var v = parseInt(b.closest("form").getAttribute("data-vote"), 10);
          b.setAttribute("aria-pressed", r.json.my_vote === v ? "true" : "false");
        });
      });
    } else if (form.matches("form[data-comment]")) {
      e.preventDefault();
      var id = form.getAttribute("data-comment");
      var text = form.querySelector("textarea, input[name=body]");
      api("POST", "/api/v1/posts/" + id + "/comments", { body: text.value }).then(function (r) {
        var err = form.querySelector(".error");
        if (!r.ok) {
          if (!err) { err = document.createElement("p"); err.className = "error"; err.setAttribute("role", "alert"); form.prepend(err); }
          err.textContent = r.json.error ? r.json.error.message : "Comment failed";
          return;
        }
        if (err) err.remove();
        // The form sits in a <details> next to the post's comment list.
        var list = form.closest(".post").querySelector(".comments");
        var li = document.createElement("li");
        li.id = "comment-" + r.json.id;
        // Same markup as the server renders (partials/post_body.mustache).
        li.innerHTML = r.json.body_html + ' <span class="meta">— <a href="/users/' +
          encodeURIComponent(r.json.author.id) + '">' + escapeHtml(r.json.author.display_name) + "</a></span>";
        list.appendChild(li);
        text.value = "";
      });
    }
  });

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
})();
