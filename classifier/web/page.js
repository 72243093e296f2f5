/* The service's page: send a posting or a CSV file to the API and show what comes back. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);

  async function errorOf(response) {
    try {
      return (await response.json()).error || response.statusText;
    } catch {
      return `${response.status} ${response.statusText}`;
    }
  }

  async function classifyPosting(event) {
    event.preventDefault();
    const button = $("classify-button");
    $("posting-error").textContent = "";
    button.disabled = true;
    try {
      const response = await fetch("v1/classify?explain=all", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ text: $("text").value, title: $("title").value.trim() || null }),
      });
      if (!response.ok) {
        $("result").replaceChildren();
        $("posting-error").textContent = await errorOf(response);
        return;
      }
      ResultView.render($("result"), await response.json());
      $("verdict").setAttribute("tabindex", "-1");
      $("verdict").focus();
    } catch (error) {
      $("posting-error").textContent = `Le service ne répond pas (${error.message}).`;
    } finally {
      button.disabled = false;
    }
  }

  const DOCUMENTS = {
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    odt: "application/vnd.oasis.opendocument.text",
    mhtml: "multipart/related",
    mht: "multipart/related",
    pdf: "application/pdf",
  };

  async function readInto(file) {
    $("posting-error").textContent = "";
    const kind = DOCUMENTS[(file.name.match(/\.(docx|odt|mhtml|mht|pdf)$/i) || [])[1]?.toLowerCase()];
    if (!kind) {
      $("text").value = await file.text();
      return;
    }
    try {  // a word processor's file or a saved page: the service reads the text it shows
      const response = await fetch("v1/document-text", { method: "POST", headers: { "Content-Type": kind }, body: file });
      if (!response.ok) {
        $("posting-error").textContent = await errorOf(response);
        return;
      }
      $("text").value = (await response.json()).text;
    } catch (error) {
      $("posting-error").textContent = `Le service ne répond pas (${error.message}).`;
    }
  }

  const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

  async function classifyTable(event) {
    event.preventDefault();
    const file = $("table-file").files[0];
    if (!file) return;
    const excel = $("excel").checked;
    $("table-error").textContent = "";
    $("table-status").textContent = `Classement de ${file.name}…`;
    $("table-button").disabled = true;
    try {
      const workbook = /\.xlsx$/i.test(file.name);
      const answer = workbook && !excel ? XLSX : "text/csv";
      const response = await fetch(`v1/classify-batch${excel ? "?excel=true" : ""}`, {
        method: "POST", headers: { "Content-Type": workbook ? XLSX : "text/csv", Accept: answer }, body: file,
      });
      if (!response.ok) {
        $("table-status").textContent = "";
        $("table-error").textContent = await errorOf(response);
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const name = file.name.replace(/\.(csv|tsv|xlsx)$/i, "") + (answer === XLSX ? "-classe.xlsx" : "-classe.csv");
      const link = Object.assign(document.createElement("a"), { href: url, download: name, textContent: `Télécharger ${name}` });
      $("table-status").replaceChildren("Tableau classé : ", link);
      link.click();
    } catch (error) {
      $("table-status").textContent = "";
      $("table-error").textContent = `Le service ne répond pas (${error.message}).`;
    } finally {
      $("table-button").disabled = false;
    }
  }

  const area = $("text");
  area.addEventListener("dragover", (event) => { event.preventDefault(); area.classList.add("dragging"); });
  area.addEventListener("dragleave", () => area.classList.remove("dragging"));
  area.addEventListener("drop", (event) => {
    event.preventDefault();
    area.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (file) readInto(file);
  });
  $("posting-file").addEventListener("change", (event) => { if (event.target.files[0]) readInto(event.target.files[0]); });
  $("posting-form").addEventListener("submit", classifyPosting);
  $("table-form").addEventListener("submit", classifyTable);
})();
