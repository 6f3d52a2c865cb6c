package dal

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The forms of messages that GroupErrors gathers: a ReadError about one
// item ("FILE: item 17 (kind): CAUSE") or one line ("FILE: line 3:
// CAUSE"), and within a cause, the value of a time that cannot be read
// (`time member "t" = "12/31/2023": REASON`).
var (
	itemMsg = regexp.MustCompile(`^(.+?): (item|line) (\d+)(?: \(([^()]*)\))?: (.*)$`)
	timeMsg = regexp.MustCompile(`^(time member "(?:[^"\\]|\\.)*") = ("(?:[^"\\]|\\.)*"…?|[^\s"]+): (.*)$`)
)

// examples is how many positions (and values) a grouped message shows.
const examples = 3

// errGroup is the messages of one file, unit and kind with one cause.
type errGroup struct {
	file, unit, kind, cause string
	ns                      []int
	values                  []string // of times, "" for other causes
	single                  string   // the first message, as it was
}

// GroupErrors sorts error messages and reports each cause once per file:
// the messages of items (or lines) of one file that fail for the same
// reason, such as 2,178 readings whose time has the same unreadable
// format, become one line with their count, their first positions and,
// for times, the first values. Positions sort as numbers (item 2 before
// item 10), files by name (stamps sort in time order). Repeats are
// dropped. Messages of any other form are kept as they are.
func GroupErrors(msgs []string) []string {
	groups := map[string]*errGroup{}
	var order []*errGroup
	seen := map[string]bool{}
	for _, m := range msgs {
		if seen[m] {
			continue
		}
		seen[m] = true
		g, key := parseErr(m)
		if old := groups[key]; old != nil {
			old.ns = append(old.ns, g.ns...)
			old.values = append(old.values, g.values...)
			continue
		}
		groups[key] = g
		order = append(order, g)
	}
	for _, g := range order {
		sort.Sort(byPos{g})
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := order[a], order[b]
		if x.file != y.file {
			return x.file < y.file
		}
		if len(x.ns) > 0 && len(y.ns) > 0 && x.ns[0] != y.ns[0] {
			return x.ns[0] < y.ns[0]
		}
		if x.kind != y.kind {
			return x.kind < y.kind
		}
		return x.single < y.single
	})
	out := make([]string, 0, len(order))
	for _, g := range order {
		out = append(out, g.render())
	}
	return out
}

// parseErr reads one message into a group of one, with the key of its
// group.
func parseErr(m string) (*errGroup, string) {
	sm := itemMsg.FindStringSubmatch(m)
	if sm == nil {
		return &errGroup{file: m, single: m}, "\x00" + m
	}
	n, err := strconv.Atoi(sm[3])
	if err != nil {
		return &errGroup{file: m, single: m}, "\x00" + m
	}
	cause, value := sm[5], ""
	if tm := timeMsg.FindStringSubmatch(cause); tm != nil {
		cause, value = tm[1]+": "+tm[3], tm[2]
	}
	g := &errGroup{file: sm[1], unit: sm[2], kind: sm[4], cause: cause, ns: []int{n}, values: []string{value}, single: m}
	return g, strings.Join([]string{g.file, g.unit, g.kind, g.cause}, "\x00")
}

// render writes the group: its one message as it was, or "FILE: 2178
// items (kind): CAUSE (items 1, 2, 3 and 2175 more)", a time's cause
// showing the first values instead ("... ; e.g. item 1 = \"x\", ...").
func (g *errGroup) render() string {
	if len(g.ns) < 2 {
		return g.single
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d %ss", g.file, len(g.ns), g.unit)
	if g.kind != "" {
		fmt.Fprintf(&b, " (%s)", g.kind)
	}
	fmt.Fprintf(&b, ": %s", g.cause)
	shown := min(examples, len(g.ns))
	if g.values[0] != "" {
		b.WriteString("; e.g.")
		for i := range shown {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s %d = %s", g.unit, g.ns[i], g.values[i])
		}
		if rest := len(g.ns) - shown; rest > 0 {
			fmt.Fprintf(&b, " and %d more", rest)
		}
		return b.String()
	}
	fmt.Fprintf(&b, " (%ss ", g.unit)
	for i := range shown {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(g.ns[i]))
	}
	if rest := len(g.ns) - shown; rest > 0 {
		fmt.Fprintf(&b, " and %d more", rest)
	}
	b.WriteByte(')')
	return b.String()
}

// byPos sorts a group's positions (and their values) as numbers.
type byPos struct{ g *errGroup }

func (s byPos) Len() int           { return len(s.g.ns) }
func (s byPos) Less(i, j int) bool { return s.g.ns[i] < s.g.ns[j] }
func (s byPos) Swap(i, j int) {
	s.g.ns[i], s.g.ns[j] = s.g.ns[j], s.g.ns[i]
	s.g.values[i], s.g.values[j] = s.g.values[j], s.g.values[i]
}
