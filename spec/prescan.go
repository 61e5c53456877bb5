package spec

import "fmt"

// maxListItems is the most items a YAML list (flow or block) of the file may hold
// before it is decoded. No field takes as many (images: 100); imageCaches may list
// thousands of caches. A longer list is refused while the bytes are scanned, so that a
// file of millions of tiny items never becomes millions of YAML nodes.
const maxListItems = 10_000

// prescanLists reports the first list of data longer than maxListItems, if any.
func (d *decoder) prescanLists(data []byte) bool {
	at, long := ListLongerThan(data, maxListItems)
	if long {
		d.errs = append(d.errs, &Error{File: d.file, Pos: at,
			Message: fmt.Sprintf("a list of more than %d items: no field takes as many (images at most %d, tags %d); the file was not decoded", maxListItems, maxImages, MaxTags)})
	}
	return !long
}

// ListLongerThan counts the items of every list in data as the bytes come, without
// building anything, and returns where the first list longer than limit starts. It is a
// bound, not a parser: it follows flow collections ([a, b], {k: v}), block sequence
// entries ("- " at one indentation), quotes and comments; what it cannot tell apart (a
// block scalar's text) can only make it count more items, never fewer, in lines that
// hold nothing the file decodes. Other readers of YAML from pull requests (workload
// manifests) use it too, with their own limit.
func ListLongerThan(data []byte, limit int) (Pos, bool) {
	type list struct {
		line, col int // where it starts
		items     int
		flow      bool
		indent    int // a block sequence's column
	}
	var stack []list
	line, lineStart := 1, 0
	var quote byte
	atLineStart := true // only spaces so far on this line
	refuse := func(l list) (Pos, bool) { return Pos{l.line, l.col}, true }
	flowDepth := func() int {
		n := 0
		for _, l := range stack {
			if l.flow {
				n++
			}
		}
		return n
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line, lineStart, atLineStart = line+1, i+1, true
			continue
		}
		col := i - lineStart + 1
		if quote != 0 {
			switch {
			case quote == '"' && c == '\\':
				i++ // an escaped character
			case c == quote && quote == '\'' && i+1 < len(data) && data[i+1] == '\'':
				i++ // '' inside single quotes
			case c == quote:
				quote = 0
			}
			continue
		}
		if atLineStart && c != ' ' && c != '\t' {
			atLineStart = false
			// A line's first character ends the block sequences indented deeper (or at
			// its column, unless it is another entry of one).
			entry := c == '-' && (i+1 == len(data) || data[i+1] == ' ' || data[i+1] == '\n')
			if flowDepth() == 0 && c != '#' {
				for len(stack) > 0 && !stack[len(stack)-1].flow &&
					(stack[len(stack)-1].indent > col || (stack[len(stack)-1].indent == col && !entry)) {
					stack = stack[:len(stack)-1]
				}
			}
			if entry && flowDepth() == 0 {
				if n := len(stack); n > 0 && !stack[n-1].flow && stack[n-1].indent == col {
					if stack[n-1].items++; stack[n-1].items > limit {
						return refuse(stack[n-1])
					}
				} else {
					stack = append(stack, list{line: line, col: col, items: 1, indent: col})
				}
				continue
			}
		}
		switch c {
		case '#':
			if i == lineStart || data[i-1] == ' ' || data[i-1] == '\t' {
				for i+1 < len(data) && data[i+1] != '\n' {
					i++
				}
			}
		case '"', '\'':
			quote = c
		case '[', '{':
			stack = append(stack, list{line: line, col: col, flow: true})
		case ']', '}':
			if n := len(stack); n > 0 && stack[n-1].flow {
				stack = stack[:n-1]
			}
		case ',':
			if n := len(stack); n > 0 && stack[n-1].flow {
				if stack[n-1].items++; stack[n-1].items > limit {
					return refuse(stack[n-1])
				}
			}
		}
	}
	return Pos{}, false
}
