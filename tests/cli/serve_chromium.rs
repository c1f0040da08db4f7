//! `jtbd serve` in a real headless Chromium, driven over the DevTools protocol: the page loads,
//! a quote is recoded through the page's own select and button (a real mouse click), the
//! corrections file holds the line and the page shows the quote under its new force without a
//! reload. Chromium and the server are killed when the test ends, however it ends.

use crate::serve::Served;
use serde_json::{Value, json};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// A headless Chromium with its own profile, killed when dropped.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Chromium with the DevTools protocol on a free port; the browser and its WebSocket URL.
fn launch(program: &str) -> (Browser, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(program)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .args(["--no-default-browser-check", "--window-size=1200,900"])
        .arg("--remote-debugging-port=0")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let browser = Browser {
        child,
        _profile: profile,
    };
    let rx = crate::support::lines_of(stderr);
    let mut seen = String::new();
    loop {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) else {
            panic!("chromium did not open its DevTools port: {seen}");
        };
        if let Some(url) = line.split("DevTools listening on ").nth(1) {
            return (browser, url.trim().to_owned());
        }
        seen.push_str(&line);
        seen.push('\n');
    }
}

/// A DevTools protocol client: one WebSocket to the browser, commands to one page's session.
struct Cdp {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    session: Option<String>,
    /// Script exceptions and console or browser errors seen (a blocked load, a failed fetch).
    errors: Vec<String>,
}

impl Cdp {
    fn connect(url: &str) -> Cdp {
        let (mut ws, _) = tungstenite::connect(url).unwrap();
        if let MaybeTlsStream::Plain(s) = ws.get_mut() {
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        }
        Cdp {
            ws,
            next: 0,
            session: None,
            errors: Vec::new(),
        }
    }

    /// Sends a command and waits for its answer (events in between are passed over).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let mut msg = json!({ "id": self.next, "method": method, "params": params });
        if let Some(s) = &self.session {
            msg["sessionId"] = json!(s);
        }
        self.ws.send(Message::text(msg.to_string())).unwrap();
        loop {
            let m = self.ws.read().unwrap();
            let Ok(text) = m.to_text() else { continue };
            let v: Value = serde_json::from_str(text).unwrap_or(Value::Null);
            let error = match v["method"].as_str() {
                Some("Runtime.exceptionThrown") => true,
                Some("Runtime.consoleAPICalled") => v["params"]["type"] == "error",
                Some("Log.entryAdded") => v["params"]["entry"]["level"] == "error",
                _ => false,
            };
            if error {
                self.errors.push(v["params"].to_string());
            }
            if v["id"] == self.next {
                assert!(v["error"].is_null(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// The value of a script run in the page.
    fn eval(&mut self, script: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": script, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(r["exceptionDetails"].is_null(), "{script}: {r}");
        r["result"]["value"].clone()
    }

    /// Runs `script` until it gives something other than false or null, for up to 30 s.
    fn wait_for(&mut self, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.eval(script);
            if !(v.is_null() || v == false) {
                return v;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "never true: {script}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A left click at a point of the page, as a mouse makes it.
    fn click(&mut self, x: f64, y: f64) {
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }
}

#[test]
fn a_recode_through_the_page_writes_the_line_in_headless_chromium() {
    let Some(program) = crate::analyze::chromium() else {
        crate::support::missing("no chromium on this machine (apt-get install chromium)");
        return;
    };
    let served = Served::start();
    let (_browser, ws) = launch(program);
    let mut cdp = Cdp::connect(&ws);
    let target = cdp.call("Target.createTarget", json!({ "url": "about:blank" }));
    let session = cdp.call(
        "Target.attachToTarget",
        json!({ "targetId": target["targetId"], "flatten": true }),
    );
    cdp.session = Some(session["sessionId"].as_str().unwrap().to_owned());
    // Errors are reported from here on, the page's load included.
    cdp.call("Runtime.enable", json!({}));
    cdp.call("Log.enable", json!({}));
    cdp.call("Page.enable", json!({}));
    cdp.call("Page.navigate", json!({ "url": served.url() }));
    // The page's script (the click handler) comes after its quotes: a click on a quote parsed
    // before the script ran does nothing, so the page must have loaded whole.
    cdp.wait_for(
        "document.readyState === 'complete' && document.querySelectorAll('li.quote').length > 0",
    );
    // The first quote: choose another force in its select, and find its recode button.
    let chosen = cdp.eval(
        r#"(function () {
  var q = document.querySelector('li.quote');
  var select = q.querySelector('select.force-choice');
  var to = Array.prototype.map.call(select.options, function (o) { return o.value; })
    .filter(function (f) { return f !== q.getAttribute('data-force'); })[1];
  select.value = to;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  var button = q.querySelector('button[data-act=recode]');
  button.scrollIntoView({ block: 'center' });
  var r = button.getBoundingClientRect();
  return { id: q.getAttribute('data-signal'), from: q.getAttribute('data-force'), to: to,
    path: q.getAttribute('data-path'), start: q.getAttribute('data-start'),
    x: r.left + r.width / 2, y: r.top + r.height / 2 };
})()"#,
    );
    // A mark on this page: gone if the click reloaded it.
    cdp.eval("window.jtbdLoaded = 'once'");
    let (x, y) = (chosen["x"].as_f64().unwrap(), chosen["y"].as_f64().unwrap());
    cdp.click(x, y);
    // The file holds the line.
    let file = served.corrections();
    let started = Instant::now();
    let text = loop {
        match std::fs::read_to_string(&file) {
            Ok(t) if t.ends_with('\n') => break t,
            _ if started.elapsed() > Duration::from_secs(30) => {
                panic!("no line written after the click at ({x}, {y}): {chosen}")
            }
            _ => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    assert_eq!(text.lines().count(), 1, "{text}");
    let line: Value = serde_json::from_str(text.trim_end()).unwrap();
    assert_eq!(line["signal"], chosen["id"], "{line}");
    assert_eq!(line["verdict"], "recode");
    assert_eq!(line["force"], chosen["to"]);
    assert_eq!(line["by"], "tester");
    // The page shows the quote under its new force and says what was done, without a reload.
    let shown = cdp.wait_for(&format!(
        "document.getElementById('status').className === 'ok' && \
         !!document.querySelector('li.quote[data-path=\"{}\"][data-start=\"{}\"][data-force=\"{}\"]') && \
         document.getElementById('status').textContent",
        chosen["path"].as_str().unwrap(),
        chosen["start"].as_str().unwrap(),
        chosen["to"].as_str().unwrap()
    ));
    assert!(shown.as_str().unwrap().starts_with("recoded "), "{shown}");
    assert_eq!(
        cdp.eval("window.jtbdLoaded"),
        "once",
        "the page was reloaded"
    );
    // Open the quote's transcript through its button: the passage marks it.
    cdp.eval(&format!(
        "document.querySelector('li.quote[data-path=\"{}\"][data-start=\"{}\"] button[data-act=context]').click()",
        chosen["path"].as_str().unwrap(),
        chosen["start"].as_str().unwrap()
    ));
    cdp.wait_for("!!document.querySelector('#passage .turn mark')");
    assert!(
        cdp.errors.is_empty(),
        "errors in the page: {:#?}",
        cdp.errors
    );
}
