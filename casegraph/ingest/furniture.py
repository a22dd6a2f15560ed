"""Cut site furniture (comment forms, share buttons, related links, cookie notices) off scraped text.

Scraped pages saved as text end with the site's furniture: "Leave a Reply", "Share this:",
"Related posts", newsletter and cookie notices. None of it is the article, and extraction
would turn it into entities ("Akismet", "Twitter"). Two rules, both whole-line:

- the trailing block from the first furniture line on, when every non-empty line after it is
  furniture or short (form labels, share buttons, related headlines);
- any other line that is furniture and nothing else ("Share this:", "Advertisement").

The result keeps the original lines, in order, minus the cut ones; article text is never rewritten.
"""

from __future__ import annotations

import re

# Whole lines that are furniture on any site (matched case-insensitively after stripping),
# and whether such a line may open the trailing block (weak ones are only dropped where they stand).
_PATTERNS: list[tuple[str, bool]] = [
    # comment forms and comment sections
    (
        r"(write|leave|post|add|submit|view|show|hide|load|read)( a| your| the)? (comment|reply|response)s?",
        True,
    ),
    (r"(\d+|no|one) (comments?|responses?|replies|thoughts)( so far| yet)?( (to|on) [“\"'‘].{0,120})?", True),
    (r"be the first to (comment|reply|respond)( on .{0,120})?", True),
    (r"your email address will not be published\.?.{0,80}", True),
    (r"required fields are marked.{0,5}", True),
    (r"this site uses akismet to reduce spam\..{0,80}", True),
    (r"(cancel|post|submit) (reply|comment)", True),
    (r"save my name, email, and website in this browser for the next time i comment\.?", True),
    (r"notify me of (new|follow-up) (comments|posts).{0,80}", True),
    (r"you must be logged in to post a comment\.?", True),
    (r"log ?in to (reply|comment)", True),
    (r"(comments are|commenting is) closed\.?", True),
    (r"comments?( \(\d+\))?", False),
    (r"(name|e-?mail|website|comment|message)( address)? ?\*?", False),
    # share buttons
    (r"share( this( article| story| post| page)?)?:", True),
    (
        r"(share|post) (on|to|via) (facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email)",
        True,
    ),
    (r"click to (share|email|print).{0,80}", True),
    (r"like this:?", True),
    (r"like loading\.{0,3}|loading\.{2,3}|loading…", True),
    (r"(follow|find) us on .{0,60}", True),
    (
        r"(share|like|tweet|email|print|facebook|twitter|linkedin|whatsapp|telegram|pinterest|reddit|pocket)",
        False,
    ),
    # related links, tags, navigation
    (
        r"(related|similar|recommended|popular|trending|latest|recent)( posts| articles| stories| news)?:?",
        True,
    ),
    (
        r"(you (may|might) also like|more stories|more from .{0,40}|read more|read next|also read|see also)",
        True,
    ),
    (r"(read more|read next|also read|see also|related|more)( on this)?: .{0,150}", True),
    (r"(tags?|filed under|categories|category|posted in): .{0,200}", True),
    (r"(previous|next)( post| article| story)(: .{0,120})?|(previous|next|older|newer)( posts)?", True),
    (r"skip to (main )?content", True),
    (r"advertisement|sponsored( content)?", True),
    # newsletters
    (r"(subscribe|sign up)( to| for)?( our| the)? (newsletter|mailing list|updates).{0,60}", True),
    (r"enter your (e-?mail|email address).{0,60}", True),
    (r"subscribe( now)?", False),
    # cookies and legal boilerplate
    (r"(we|this (web)?site) uses? cookies.{0,300}", True),
    (r"by continuing to (use|browse) (this|our) (site|website).{0,200}", True),
    (r"cookie (policy|settings|preferences)", True),
    (r"privacy policy|terms of (use|service)|all rights reserved\.?", True),
    (r"©.{0,100}|(\(c\)|copyright)\s*(©\s*)?\d{4}.{0,100}", True),
    (r"(accept|allow|reject|decline)( all)?( cookies)?", False),
]
FURNITURE = re.compile("|".join(f"(?:{p})" for p, _ in _PATTERNS), re.IGNORECASE)
OPENERS = re.compile("|".join(f"(?:{p})" for p, opens in _PATTERNS if opens), re.IGNORECASE)
_EDGES = "•·|-–—»«›‹> \t"
SHORT_CHARS = 120  # form labels, button captions and related headlines are short
SHORT_WORDS = 18


def is_furniture(line: str) -> bool:
    """True when the whole line is site furniture."""
    return FURNITURE.fullmatch(line.strip(_EDGES)) is not None


def _opens_block(line: str) -> bool:
    """True when a furniture line may start the trailing block."""
    return OPENERS.fullmatch(line.strip(_EDGES)) is not None


def _furniture_like(line: str) -> bool:
    """A line that may sit in a trailing furniture block: furniture, or a short headline-like line."""
    stripped = line.strip()
    if is_furniture(stripped):
        return True
    sentences = len(re.findall(r"[.!?](\s|$)", stripped))
    return len(stripped) <= SHORT_CHARS and len(stripped.split()) <= SHORT_WORDS and sentences <= 1


def cut_furniture(text: str) -> str:
    """Return the text without its trailing furniture block and without furniture-only lines."""
    lines = text.split("\n")
    end = _block_start(lines)
    drop: set[int] = set()
    for i, line in enumerate(lines[:end]):
        if line.strip() and is_furniture(line):
            drop.add(i)
            if _blank(lines, i - 1) and _blank(lines, i + 1) and i + 1 < end:
                drop.add(i + 1)  # a paragraph-like furniture line: keep one blank line, not two
    return "\n".join(line for i, line in enumerate(lines[:end]) if i not in drop)


def _blank(lines: list[str], i: int) -> bool:
    """True when line i exists and is blank."""
    return 0 <= i < len(lines) and not lines[i].strip()


def _block_start(lines: list[str]) -> int:
    """Index of the first line of the trailing furniture block (len(lines) when there is none)."""
    start = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if not line.strip():
            continue
        if not _furniture_like(line):
            break
        if _opens_block(line):
            start = i
    return start
