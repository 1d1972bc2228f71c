"""Helpers shared by the build-time C generators (gen_codes.py, embed_sql.py)."""


def cstr(s, split_lines=False):
    """A C string literal for s (UTF-8 bytes, octal escapes); split_lines breaks it after each newline."""
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in '\\"':
            out.append("\\" + c)
        elif c == "\n":
            out.append("\\n\"\n  \"" if split_lines else "\\n")
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def write(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
