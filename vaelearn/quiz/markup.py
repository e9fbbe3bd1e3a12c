"""A deliberately tiny Markdown-to-HTML converter for quiz text.

Quiz prompts and explanations use a small subset of Markdown: paragraphs
(separated by blank lines), ``- `` bullet lists, ``**bold**``, ``*italic*``
and ```code```. LaTeX between ``$...$`` or ``$$...$$`` is passed through
untouched so that ``ipywidgets.HTMLMath`` (MathJax) can typeset it.
"""

import html
import re

__all__ = ["markdown_to_html"]

_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.DOTALL)
_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")
_BULLET = re.compile(r"^\s*[-*]\s+")
_PLACEHOLDER = "\x00{}\x00"


def markdown_to_html(text):
    """Convert quiz Markdown to HTML.

    Parameters
    ----------
    text : str
        Markdown source. HTML special characters are escaped, so ``<`` in a
        formula or a sentence is shown literally.

    Returns
    -------
    str
        HTML made of ``<p>`` and ``<ul>`` blocks.

    Examples
    --------
    >>> markdown_to_html("A **VAE** samples $z_1*z_2$.")
    '<p>A <strong>VAE</strong> samples $z_1*z_2$.</p>'
    """
    blocks = re.split(r"\n\s*\n", text.strip())
    return "\n".join(_block_to_html(block) for block in blocks if block.strip())


def _block_to_html(block):
    lines = block.splitlines()
    if all(_BULLET.match(line) for line in lines):
        items = "".join(f"<li>{_inline(_BULLET.sub('', line))}</li>" for line in lines)
        return f"<ul>{items}</ul>"
    return f"<p>{_inline(' '.join(line.strip() for line in lines))}</p>"


def _inline(text):
    # Math and code are set aside first so that '*' or '_' inside them is
    # never mistaken for emphasis, then restored verbatim (but escaped).
    protected = []

    def protect(replacement):
        protected.append(replacement)
        return _PLACEHOLDER.format(len(protected) - 1)

    text = _MATH.sub(lambda m: protect(html.escape(m.group(0), quote=False)), text)
    text = _CODE.sub(lambda m: protect(f"<code>{html.escape(m.group(1), quote=False)}</code>"), text)
    text = html.escape(text, quote=False)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    return re.sub("\x00(\\d+)\x00", lambda m: protected[int(m.group(1))], text)
