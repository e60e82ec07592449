// glassbox playground: the page. The network trains on the server (glassbox.nn); this
// file only sends the controls and draws the frames it receives over the WebSocket.
// No library: canvas for heat maps, SVG for the weights.
"use strict";

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const DATASETS = {
  classification: [["circle", "Circle"], ["xor", "Exclusive or"], ["gauss", "Gaussian"],
                   ["spiral", "Spiral"], ["upload", "Uploaded"]],
  regression: [["plane", "Plane"], ["multigauss", "Multi-Gaussian"], ["upload", "Uploaded"]],
};
const FEATURES = [["x1", "x₁"], ["x2", "x₂"], ["x1sq", "x₁²"], ["x2sq", "x₂²"], ["x1x2", "x₁x₂"],
                  ["sinx1", "sin(x₁)"], ["sinx2", "sin(x₂)"]];
// Negative values orange, positive blue, as in the TensorFlow Playground.
const ORANGE = [245, 147, 34], WHITE = [232, 234, 235], BLUE = [8, 119, 189];
const CLASS_COLOURS = [ORANGE, BLUE, [44, 160, 44], [148, 103, 189], [214, 39, 40]];
const NODE = 36, COLUMN_GAP = 110, ROW_GAP = 50, TOP = 34, LEFT = 90;

const $ = (id) => document.getElementById(id);
let socket = null;
let view = null;         // what the last full frame said: settings, sizes, points, ...
let lastFrame = null;
let lossHistory = [];      // [epoch, train loss, test loss]
let playing = false;

// ------------------------------------------------------------------ colours
function mix(a, b, t) { return [0, 1, 2].map((k) => a[k] + (b[k] - a[k]) * t); }
function heatColour(value) {   // value in [-1, 1]
  return value < 0 ? mix(WHITE, ORANGE, -value) : mix(WHITE, BLUE, value);
}
function rgb(c) { return `rgb(${c.map(Math.round).join(",")})`; }
const HEAT = Array.from({ length: 256 }, (_, level) => heatColour(level / 127.5 - 1));

function decode(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// Draw a cells x cells map onto a canvas (scaled with smoothing, like the playground).
// One small off-screen canvas per map size is reused: a frame paints ~20 maps.
const offscreen = {};
function paint(canvas, cells, colourAt) {
  const image = new ImageData(cells, cells);
  for (let i = 0; i < cells * cells; i++) {
    const c = colourAt(i);
    image.data[4 * i] = c[0]; image.data[4 * i + 1] = c[1]; image.data[4 * i + 2] = c[2];
    image.data[4 * i + 3] = 255;
  }
  if (!offscreen[cells]) {
    offscreen[cells] = document.createElement("canvas");
    offscreen[cells].width = cells; offscreen[cells].height = cells;
  }
  const small = offscreen[cells];
  small.getContext("2d").putImageData(image, 0, 0);
  const context = canvas.getContext("2d");
  context.imageSmoothingEnabled = true;
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function paintHeat(canvas, base64, cells, discretize) {
  const levels = decode(base64);
  paint(canvas, cells, (i) => discretize ? HEAT[levels[i] < 128 ? 0 : 255] : HEAT[levels[i]]);
}

// ------------------------------------------------------------------ messages
function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}
function set(changes) { send({ type: "set", settings: changes }); }
function showMessage(text, kind) {
  const box = $("message");
  box.textContent = text;
  box.className = kind;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws`);
  socket.onopen = () => send({ type: "load", query: location.hash.slice(1) });
  socket.onmessage = (event) => receive(JSON.parse(event.data));
  socket.onclose = (event) => {
    setPlaying(false);
    if (event.code !== 1000 && event.code !== 1013) showMessage(`Disconnected from the playground server (code ${event.code}). Is it still running? Reload to reconnect.`, "error");
  };
}

function receive(message) {
  if (message.type === "frame") {
    if (message.full) rebuild(message);
    draw(message);
    send({ type: "ack", epoch: message.epoch });
  } else if (message.type === "status") {
    setPlaying(message.playing);
  } else if (message.type === "error") {
    showMessage(message.message, "error");
  } else if (message.type === "inspect") {
    showInspector(message);
  } else if (message.type === "export") {
    download(message);
  }
}

function setPlaying(value) {
  playing = value;
  $("play").textContent = value ? "❚❚" : "▶";
  $("play").classList.toggle("playing", value);
}

// ------------------------------------------------------------------ controls
function fillSelect(select, values) {
  for (const value of values) {
    const option = document.createElement("option");
    option.value = String(value);
    option.textContent = String(value);
    select.appendChild(option);
  }
}

function setupControls() {
  fillSelect($("learning_rate"), LEARNING_RATES);
  fillSelect($("reg_rate"), REG_RATES);
  $("play").onclick = () => send({ type: playing ? "pause" : "play" });
  $("step").onclick = () => send({ type: "step" });
  $("reset").onclick = () => send({ type: "reset" });
  $("regenerate").onclick = () => send({ type: "regenerate" });
  for (const id of ["learning_rate", "reg_rate"]) {
    $(id).onchange = () => set({ [id]: Number($(id).value) });
  }
  for (const id of ["activation", "regularization", "optimizer", "problem"]) {
    $(id).onchange = () => set({ [id]: $(id).value });
  }
  $("classes").onchange = () => set({ classes: Number($("classes").value) });
  for (const id of ["train_ratio", "noise", "batch_size"]) {
    $(id).oninput = () => { $(id + "-value").textContent = $(id).value; };
    $(id).onchange = () => set({ [id]: Number($(id).value) });
  }
  for (const id of ["show_test", "discretize"]) {
    $(id).onchange = () => set({ [id]: $(id).checked });
  }
  $("add-layer").onclick = () => {
    const hidden = view.settings.hidden;
    if (hidden.length < 6) set({ hidden: hidden.concat([hidden.length ? hidden[hidden.length - 1] : 2]) });
  };
  $("remove-layer").onclick = () => {
    const hidden = view.settings.hidden;
    if (hidden.length > 0) set({ hidden: hidden.slice(0, -1) });
  };
  $("upload").onchange = () => {
    const file = $("upload").files[0];
    if (!file) return;
    if (file.size > 5000000) {
      showMessage(`The file has ${file.size.toLocaleString()} bytes; the limit is 5,000,000.`, "error");
      return;
    }
    file.text().then((text) => send({ type: "upload", csv: text }));
    $("upload").value = "";
  };
  $("export-code").onclick = () => send({ type: "export", what: "code" });
  $("export-weights").onclick = () => send({ type: "export", what: "weights" });
}

function showSettings(settings) {
  for (const id of ["activation", "regularization", "optimizer", "problem"]) $(id).value = settings[id];
  for (const id of ["learning_rate", "reg_rate"]) {
    const select = $(id);
    if (![...select.options].some((o) => Number(o.value) === settings[id])) fillSelect(select, [settings[id]]);
    select.value = [...select.options].find((o) => Number(o.value) === settings[id]).value;
  }
  $("classes").value = String(settings.classes);
  $("classes-row").hidden = settings.problem !== "classification" || settings.dataset === "xor" || settings.dataset === "upload";
  for (const id of ["train_ratio", "noise", "batch_size"]) {
    $(id).value = settings[id];
    $(id + "-value").textContent = settings[id];
  }
  $("show_test").checked = settings.show_test;
  $("discretize").checked = settings.discretize;
  const box = $("datasets");
  box.textContent = "";
  for (const [name, label] of DATASETS[settings.problem]) {
    if (name === "upload" && settings.dataset !== "upload") continue;
    const button = document.createElement("button");
    button.textContent = label;
    button.dataset.dataset = name;
    button.classList.toggle("selected", name === settings.dataset);
    button.onclick = () => set({ dataset: name });
    box.appendChild(button);
  }
  const n = settings.hidden.length;
  $("layers-label").textContent = `${n} hidden layer${n === 1 ? "" : "s"}`;
}

// ------------------------------------------------------------------ the network
function nodeX(layer) { return LEFT + layer * COLUMN_GAP; }
function nodeY(index) { return TOP + 20 + index * ROW_GAP; }

function rebuild(frame) {
  view = frame;
  lossHistory = frame.history.slice();
  showSettings(frame.settings);
  history_replace(frame.query);
  $("metrics").hidden = frame.kind === "regression";
  if (frame.note) showMessage(frame.note, "note");
  // what was inspected or exported belonged to the previous network
  $("inspector").textContent = "";
  const hint = document.createElement("p");
  hint.className = "hint";
  hint.textContent = "Click a neuron or a weight to see its value, its gradient in the last step and the formulas it takes part in. Shift-click a feature to remove it.";
  $("inspector").appendChild(hint);
  $("code").hidden = true;
  selected = null;
  const network = $("network");
  for (const element of [...network.querySelectorAll(".node, .neuron-control, .neuron-count")]) element.remove();
  const sizes = frame.sizes;
  const active = frame.settings.features;
  // inputs: every feature, the active ones in the network's order
  let inputIndex = 0;
  FEATURES.forEach(([name, label], row) => {
    const on = active.includes(name);
    const node = addNode(network, 0, row, on ? `node-0-${inputIndex}` : `feature-${name}`);
    node.dataset.feature = name;
    node.classList.toggle("inactive", !on);
    const caption = document.createElement("span");
    caption.className = "name";
    caption.textContent = label;
    node.appendChild(caption);
    if (on) {
      paintHeat(node.querySelector("canvas"), frame.inputs[inputIndex], frame.grid.neurons, false);
      node.dataset.row = String(row);
      inputIndex += 1;
    }
    node.onclick = (event) => {
      if (event.shiftKey || !on) {
        const features = on ? active.filter((f) => f !== name) : active.concat([name]);
        if (features.length) set({ features });
      } else {
        inspect({ node: [0, active.indexOf(name)] }, node);
      }
    };
    node.title = on ? "Click: formulas. Shift-click: remove this feature." : "Click to use this feature";
  });
  for (let layer = 1; layer < sizes.length; layer++) {
    for (let i = 0; i < sizes[layer]; i++) {
      const node = addNode(network, layer, i, `node-${layer}-${i}`);
      node.onclick = () => inspect({ node: [layer, i] }, node);
    }
    if (layer < sizes.length - 1) addNeuronControl(network, layer, sizes[layer]);
  }
  const rows = Math.max(FEATURES.length, ...sizes.slice(1));
  const width = nodeX(sizes.length - 1) + NODE + 20, height = nodeY(rows) + 10;
  network.style.height = `${height}px`;
  const svg = $("links");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.textContent = "";
  for (let layer = 0; layer < sizes.length - 1; layer++) {
    for (let i = 0; i < sizes[layer + 1]; i++) {
      for (let j = 0; j < sizes[layer]; j++) {
        const fromRow = layer === 0 ? FEATURES.findIndex(([n]) => n === active[j]) : j;
        const x0 = nodeX(layer) + NODE, y0 = nodeY(fromRow) + NODE / 2;
        const x1 = nodeX(layer + 1), y1 = nodeY(i) + NODE / 2;
        const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
        const mid = (x0 + x1) / 2;
        path.setAttribute("d", `M${x0},${y0} C${mid},${y0} ${mid},${y1} ${x1},${y1}`);
        path.id = `link-${layer}-${i}-${j}`;
        path.addEventListener("click", () => inspect({ weight: [layer, i, j] }, path));
        svg.appendChild(path);
      }
    }
  }
  const legend = $("legend");
  legend.textContent = "";
  if (frame.kind !== "regression") {
    for (let k = 0; k < frame.n_classes; k++) {
      const swatch = document.createElement("span");
      swatch.textContent = `class ${k}`;
      swatch.style.setProperty("--swatch", rgb(CLASS_COLOURS[k]));
      legend.appendChild(swatch);
    }
  }
}

function addNode(network, layer, row, id) {
  const node = document.createElement("div");
  node.className = "node";
  node.id = id;
  node.style.left = `${nodeX(layer)}px`;
  node.style.top = `${nodeY(row)}px`;
  const canvas = document.createElement("canvas");
  canvas.width = NODE; canvas.height = NODE;
  node.appendChild(canvas);
  network.appendChild(node);
  return node;
}

function addNeuronControl(network, layer, count) {
  const control = document.createElement("div");
  control.className = "neuron-control";
  control.style.left = `${nodeX(layer) + 2}px`;
  control.style.top = `${TOP - 26}px`;
  const change = (delta) => {
    const hidden = view.settings.hidden.slice();
    hidden[layer - 1] = Math.min(8, Math.max(1, hidden[layer - 1] + delta));
    set({ hidden });
  };
  for (const [text, delta] of [["+", 1], ["−", -1]]) {
    const button = document.createElement("button");
    button.textContent = text;
    button.id = `neurons-${layer}-${delta > 0 ? "add" : "remove"}`;
    button.onclick = () => change(delta);
    control.appendChild(button);
  }
  network.appendChild(control);
  const label = document.createElement("div");
  label.className = "neuron-count";
  label.style.left = `${nodeX(layer) - 22}px`;
  label.style.top = `${TOP - 2}px`;
  label.textContent = `${count} neuron${count === 1 ? "" : "s"}`;
  network.appendChild(label);
}

function history_replace(query) {
  history_state = query;
  window.history.replaceState(null, "", "#" + query);
}
let history_state = "";

// ------------------------------------------------------------------ drawing a frame
function draw(frame) {
  lastFrame = frame;
  $("epoch").textContent = String(frame.epoch).padStart(6, "0").replace(/(\d{3})(\d{3})$/, "$1,$2");
  const sizes = view.sizes;
  frame.neurons.forEach((layer, l) => layer.forEach((map, i) => {
    const node = $(`node-${l + 1}-${i}`);
    if (node) paintHeat(node.querySelector("canvas"), map, view.grid.neurons, false);
  }));
  // output nodes: the same map as the decision region
  for (let i = 0; i < sizes[sizes.length - 1]; i++) {
    const node = $(`node-${sizes.length - 1}-${i}`);
    if (node) drawOutput(node.querySelector("canvas"), frame, i);
  }
  frame.weights.forEach((matrix, l) => matrix.forEach((row, i) => row.forEach((w, j) => {
    const path = $(`link-${l}-${i}-${j}`);
    if (!path) return;
    path.setAttribute("stroke", rgb(heatColour(Math.max(-1, Math.min(1, w)))));
    path.setAttribute("stroke-width", String(Math.min(10, 1 + Math.abs(w) * 3)));
  })));
  drawOutput($("decision"), frame, null);
  drawPoints($("decision"));
  const loss = (v) => v === null ? "diverged" : v.toFixed(3);
  $("test-loss").textContent = loss(frame.test_loss);
  $("train-loss").textContent = loss(frame.train_loss);
  if (!frame.full) lossHistory.push([frame.epoch, frame.train_loss, frame.test_loss]);
  drawLosses();
  if (view.kind !== "regression") {
    $("train-accuracy").textContent = frame.train_accuracy.toFixed(3);
    $("test-accuracy").textContent = Number.isFinite(frame.test_accuracy) ? frame.test_accuracy.toFixed(3) : "–";
    drawConfusion(frame.confusion);
  }
}

// The output's map: for classification a blend of class colours weighted by probability
// (only: one class's probability on an output node), for regression the heat scale.
function drawOutput(canvas, frame, outputIndex) {
  const cells = view.grid.output;
  const discretize = view.settings.discretize;
  if (view.kind === "regression") {
    paintHeat(canvas, frame.output, cells, discretize);
    return;
  }
  const k = view.n_classes, area = cells * cells;
  const p = decode(frame.output);
  if (outputIndex !== null && view.kind === "multiclass") {
    const colour = CLASS_COLOURS[outputIndex];
    paint(canvas, cells, (i) => mix(WHITE, colour, p[outputIndex * area + i] / 255));
    return;
  }
  paint(canvas, cells, (i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (p[c * area + i] > p[best * area + i]) best = c;
    if (discretize) return mix(WHITE, CLASS_COLOURS[best], 0.75);
    let colour = [0, 0, 0];
    for (let c = 0; c < k; c++) colour = colour.map((v, m) => v + CLASS_COLOURS[c][m] * p[c * area + i] / 255);
    const confidence = (p[best * area + i] / 255 - 1 / k) / (1 - 1 / k);
    return mix(WHITE, colour, 0.25 + 0.6 * confidence);
  });
}

function drawPoints(canvas) {
  const context = canvas.getContext("2d");
  const d = view.grid.domain, w = canvas.width, h = canvas.height;
  const sets = [[view.train_points, "#fff"]];
  if (view.settings.show_test) sets.push([view.test_points, "#000"]);
  for (const [points, stroke] of sets) {
    for (const [x1, x2, label] of points) {
      const colour = view.kind === "regression" ? heatColour(Math.max(-1, Math.min(1, label))) : CLASS_COLOURS[label];
      context.beginPath();
      context.arc((x1 + d) / (2 * d) * w, (d - x2) / (2 * d) * h, 3, 0, 2 * Math.PI);
      context.fillStyle = rgb(colour);
      context.fill();
      context.lineWidth = 1;
      context.strokeStyle = stroke;
      context.stroke();
    }
  }
}

function drawLosses() {
  const canvas = $("loss-chart"), context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  const finite = lossHistory.filter((h) => h[1] !== null && h[2] !== null);
  if (finite.length < 2) return;
  const top = Math.max(...finite.map((h) => Math.max(h[1], h[2]))) || 1;
  const last = finite[finite.length - 1][0] || 1;
  for (const [column, colour] of [[1, "#999"], [2, "#000"]]) {
    context.beginPath();
    finite.forEach((h, index) => {
      const x = h[0] / last * canvas.width, y = canvas.height - h[column] / top * (canvas.height - 2);
      if (index === 0) context.moveTo(x, y); else context.lineTo(x, y);
    });
    context.strokeStyle = colour;
    context.lineWidth = 1.5;
    context.stroke();
  }
}

function drawConfusion(matrix) {
  const table = $("confusion");
  table.textContent = "";
  const caption = table.createCaption();
  caption.textContent = "Confusion matrix (test points): rows true class, columns predicted";
  const head = table.insertRow();
  head.appendChild(document.createElement("th"));
  matrix.forEach((_, k) => { const th = document.createElement("th"); th.textContent = `→${k}`; head.appendChild(th); });
  matrix.forEach((row, k) => {
    const tr = table.insertRow();
    const th = document.createElement("th");
    th.textContent = String(k);
    th.style.color = rgb(CLASS_COLOURS[k]);
    tr.appendChild(th);
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((count, j) => {
      const cell = tr.insertCell();
      cell.textContent = String(count);
      cell.style.background = rgb(mix([255, 255, 255], j === k ? [120, 190, 120] : [230, 120, 120], count / total));
    });
  });
}

// ------------------------------------------------------------------ formulas, export
let selected = null;
function inspect(target, element) {
  if (selected) selected.classList.remove("selected");
  selected = element;
  if (element.classList) element.classList.add("selected");
  send({ type: "inspect", ...target });
}

function showInspector(info) {
  const panel = $("inspector");
  panel.textContent = "";
  const title = document.createElement("h3");
  title.textContent = info.title;
  panel.appendChild(title);
  const list = document.createElement("dl");
  for (const [label, text] of info.lines) {
    const dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = label;
    dd.textContent = text;
    list.append(dt, dd);
  }
  panel.appendChild(list);
}

function download(message) {
  let blob;
  if (message.text !== undefined) {
    blob = new Blob([message.text], { type: message.mime });
    $("code").hidden = false;
    $("code").textContent = message.text;
  } else {
    blob = new Blob([decode(message.base64)], { type: message.mime });
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = message.filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

window.addEventListener("hashchange", () => {
  if (location.hash.slice(1) !== history_state) send({ type: "load", query: location.hash.slice(1) });
});

setupControls();
connect();
