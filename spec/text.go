package spec

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxShownLength is how many characters of a value an error message quotes.
const maxShownLength = 80

// shown quotes a value from the file for a message, cut to maxShownLength characters so
// that a huge value is never echoed whole.
func shown(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= maxShownLength {
		return strconv.Quote(s)
	}
	cut, count := s, 0
	for i := range s {
		if count == maxShownLength {
			cut = s[:i]
			break
		}
		count++
	}
	return fmt.Sprintf("%s… (%d characters)", strconv.Quote(cut), n)
}

// checkText refuses data that is not a YAML text imcsync reads: larger than maxFileSize,
// not UTF-8, or holding characters YAML forbids (NUL and other control characters).
// The problem is reported where it is, which the YAML parser does not say.
func (d *decoder) checkText(data []byte) bool {
	if len(data) > maxFileSize {
		d.errs = append(d.errs, &Error{File: d.file, Pos: Pos{1, 1},
			Message: fmt.Sprintf("the file is larger than %d MiB, the most imcsync reads: is it the right file?", maxFileSize>>20)})
		return false
	}
	if bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		d.errs = append(d.errs, &Error{File: d.file, Pos: Pos{1, 1}, Message: "the file is UTF-16: save it as UTF-8"})
		return false
	}
	line, lineStart := 1, 0
	for i := 0; i < len(data); {
		if c := data[i]; c >= 0x20 && c < 0x7F {
			i++ // printable ASCII, the common case
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		var msg string
		switch {
		case r == utf8.RuneError && size <= 1:
			msg = fmt.Sprintf("invalid UTF-8 (byte 0x%02x): the file must be UTF-8 text", data[i])
		case r == 0:
			msg = "NUL character: the file must be text; remove it"
		case !yamlPrintable(r) && !(i == 0 && r == '\uFEFF'):
			msg = fmt.Sprintf("control character U+%04X is not allowed in YAML: remove it, or write it as \\u%04X inside double quotes", r, r)
		}
		if msg != "" {
			col := utf8.RuneCount(data[lineStart:i]) + 1
			d.errs = append(d.errs, &Error{File: d.file, Pos: Pos{line, col}, Message: msg})
			return false
		}
		if r == '\n' {
			line, lineStart = line+1, i+1
		}
		i += size
	}
	return true
}

// yamlPrintable is YAML 1.2's printable character set (c-printable), which is what a
// YAML stream may hold.
func yamlPrintable(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r' || r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7E:
		return true
	case r >= 0xA0 && r <= 0xD7FF:
		return true
	case r >= 0xE000 && r <= 0xFFFD:
		return r != 0xFEFF
	case r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// control names the first control character of s (C0, DEL or C1), or "".
func control(s string) string {
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Sprintf("the control character U+%04X", r)
		}
	}
	return ""
}

// Unshowable names the first character of s that would change how a terminal or a CI
// log shows the text printed around it: a control character (an escape sequence, a line
// break), or an invisible format character such as a bidirectional override; "" when
// there is none. Readers of other files from pull requests (workload manifests) refuse
// such values as imagecaches.yaml does.
func Unshowable(s string) string {
	if c := control(s); c != "" {
		return c
	}
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) {
			return fmt.Sprintf("the invisible character U+%04X", r)
		}
	}
	return ""
}

// lookalike says why s may not be what it looks like, or "": it holds an invisible
// character (a format character such as a zero-width space or a bidirectional control,
// a space other than the ASCII one, a filler), or it mixes Latin letters with Cyrillic or
// Greek ones that look like them (an "а" that is not an "a").
func lookalike(s string) string {
	latin := strings.IndexFunc(s, func(r rune) bool { return r < utf8.RuneSelf && unicode.IsLetter(r) }) >= 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r), r > utf8.RuneSelf && unicode.IsSpace(r), r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0:
			return fmt.Sprintf("%s contains the invisible character U+%04X: remove it unless it is meant", shown(s), r)
		case latin && (unicode.Is(unicode.Cyrillic, r) || unicode.Is(unicode.Greek, r)):
			return fmt.Sprintf("%s mixes Latin letters with %q (U+%04X), which looks like a Latin letter: check it is the character meant", shown(s), r, r)
		}
	}
	return ""
}
