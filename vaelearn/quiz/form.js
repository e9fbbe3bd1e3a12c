/* Makes the quiz forms of vaelearn.quiz.form.form_html interactive: "Check" grades as
 * vaelearn.quiz.grading.grade does, with the answers and messages the markup carries.
 * Plain ES2017, no libraries, no network; loading it twice binds nothing twice. */
(function () {
  "use strict";

  const MARKS = { correct: "\u2714", incorrect: "\u2718" };
  // What Python's float() reads, less "inf", "nan" and digit underscores.
  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

  function wireAll() {
    document.querySelectorAll("form.vaelearn-quiz-form").forEach(wire);
  }

  function wire(form) {
    if (form.dataset.wired) {
      return;
    }
    form.dataset.wired = "true";
    form.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && event.target.matches(".vaelearn-quiz-question input")) {
        event.preventDefault();
        check(form, event.target.closest(".vaelearn-quiz-question"));
      }
    });
    form.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      const question = button && button.closest(".vaelearn-quiz-question");
      if (!question) {
        return;
      }
      if (button.classList.contains("vaelearn-quiz-check")) {
        check(form, question);
      } else if (button.classList.contains("vaelearn-quiz-hint-button")) {
        toggleHint(button);
      } else if (button.classList.contains("vaelearn-quiz-show-answer")) {
        showAnswer(question);
      }
    });
  }

  function part(question, name) {
    return question.querySelector(".vaelearn-quiz-" + name);
  }

  // The response in canonical form (a letter, letters joined by "," or a number), or null.
  function response(question) {
    if (question.dataset.type === "numeric") {
      const text = question.querySelector("input").value.trim();
      const value = Number(text);
      return NUMBER.test(text) && Number.isFinite(value) ? value : null;
    }
    const ticked = Array.from(question.querySelectorAll("input:checked"), (input) => input.value);
    return ticked.length ? ticked.sort().join(",") : null;
  }

  function isCorrect(question, value) {
    const data = question.dataset;
    if (data.type === "numeric") {
      return Math.abs(value - Number(data.answer)) <= Number(data.tolerance) + Number(data.slack);
    }
    return value === data.answer;
  }

  function check(form, question) {
    const value = response(question);
    if (value === null) {
      const numeric = question.dataset.type === "numeric";
      say(question, null, numeric ? form.dataset.notANumber : form.dataset.noChoice);
      return;
    }
    const correct = isCorrect(question, value);
    say(question, correct ? "correct" : "incorrect", correct ? form.dataset.correct : form.dataset.incorrect);
    part(question, "answer").hidden = true;
    part(question, "show-answer").hidden = correct;
    reveal(part(question, "explanation"), correct);
  }

  function say(question, kind, text) {
    const feedback = part(question, "feedback");
    feedback.classList.toggle("is-correct", kind === "correct");
    feedback.classList.toggle("is-incorrect", kind === "incorrect");
    feedback.textContent = text;
    if (kind) {
      const mark = document.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = MARKS[kind] + " ";
      feedback.prepend(mark);
    }
  }

  function showAnswer(question) {
    const explanation = part(question, "explanation");
    part(question, "answer").hidden = false;
    reveal(explanation, true);
    part(question, "show-answer").hidden = true;
    explanation.focus();
  }

  function toggleHint(button) {
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    reveal(document.getElementById(button.getAttribute("aria-controls")), open);
  }

  function reveal(element, shown) {
    element.hidden = !shown;
    const mathjax = window.MathJax;
    if (shown && mathjax && typeof mathjax.typesetPromise === "function") {
      // A formula MathJax cannot typeset stays readable as TeX.
      Promise.resolve().then(() => mathjax.typesetPromise([element])).catch(() => {});
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wireAll);
  } else {
    wireAll();
  }
})();
