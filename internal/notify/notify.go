// Package notify tells the user when a source starts failing, goes stale,
// is at risk, or recovers, by running their command with the details as
// JSON on its standard input and in environment variables. One message is
// sent per change of a source's set of problems; the last notified set is
// kept in the state directory, so a restarted daemon does not repeat
// itself.
package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/atomicfile"
	"github.com/hoard-dev/hoard/internal/health"
	"github.com/hoard-dev/hoard/internal/lock"
)

// Events.
const (
	EventFailing   = health.Failing
	EventStale     = health.Stale
	EventAtRisk    = health.AtRisk
	EventRecovered = "recovered"
)

// Message is what the command receives on stdin, as one JSON object.
type Message struct {
	Source      string     `json:"source"`
	Event       string     `json:"event"`    // failing, stale, at-risk or recovered
	Problems    []string   `json:"problems"` // the source's problems now; [] when healthy
	Previous    []string   `json:"previous"` // its problems at the previous message
	Text        string     `json:"message"`  // one line for a person
	Time        time.Time  `json:"time"`
	LastSuccess *time.Time `json:"last_success,omitempty"`
	LastAttempt *time.Time `json:"last_attempt,omitempty"`
	Failures    int        `json:"consecutive_failures"`
	LastError   string     `json:"last_error,omitempty"` // redacted by the runner
	Gaps        int        `json:"gaps,omitempty"`
	Host        string     `json:"host,omitempty"`
	// Unknown lists problems that could not be judged this time (gaps
	// not checked yet): they keep their previously notified state.
	Unknown []string `json:"-"`
}

// Env returns the message as HOARD_* environment variables.
func (m Message) Env() []string {
	env := []string{
		"HOARD_EVENT=" + m.Event,
		"HOARD_SOURCE=" + m.Source,
		"HOARD_PROBLEMS=" + strings.Join(m.Problems, ","),
		"HOARD_MESSAGE=" + m.Text,
		"HOARD_FAILURES=" + strconv.Itoa(m.Failures),
		"HOARD_LAST_ERROR=" + firstLine(m.LastError),
	}
	if m.LastSuccess != nil {
		env = append(env, "HOARD_LAST_SUCCESS="+m.LastSuccess.UTC().Format(time.RFC3339))
	}
	return env
}

// Timeout bounds one run of the notify command.
const Timeout = 30 * time.Second

// Notifier decides which changes to report and runs the commands, one at a
// time, on its own goroutine, so a slow command never delays exports. Its
// methods are safe for concurrent use. Close it to wait for queued
// messages.
type Notifier struct {
	path  string
	log   *slog.Logger
	mu    sync.Mutex
	sent  map[string][]string // source -> problems at its last message
	queue chan job
	done  chan struct{}
}

type job struct {
	argv []string
	msg  Message
}

// Open loads the notification state from the file at path (missing is
// empty; paths.Layout.NotifyState names it) and starts the sender. A
// damaged state file is reported and treated as empty.
func Open(path string, log *slog.Logger) *Notifier {
	n := &Notifier{
		path: path, log: log,
		sent: map[string][]string{}, queue: make(chan job, 64), done: make(chan struct{}),
	}
	b, err := os.ReadFile(n.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		log.Error("cannot read the notification state; notifications may repeat", "path", n.path, "error", err)
	default:
		if err := json.Unmarshal(b, &n.sent); err != nil {
			log.Error("damaged notification state ignored; notifications may repeat", "path", n.path, "error", err)
			n.sent = map[string][]string{}
		}
	}
	go n.loop()
	return n
}

// Update compares a source's current problems with those last notified
// and, when they differ and argv is non-empty, queues one message and saves
// the new state. With no command nothing is tracked, so configuring one
// later reports the problems that exist then. Update returns the message
// queued, if any.
//
// The state is shared by every hoard process (the daemon, and `hoard run`
// under per-source timers): a change is checked again against the file,
// under a lock, before it is sent, so that the same change is notified
// once whichever process sees it first.
func (n *Notifier) Update(argv []string, msg Message) (Message, bool) {
	if len(argv) == 0 {
		return Message{}, false
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.reload(msg.Source)
	if slices.Equal(n.sent[msg.Source], withUnknown(n.sent[msg.Source], msg)) {
		return Message{}, false
	}
	unlock := n.lockState()
	defer unlock()
	n.reload(msg.Source)
	prev := n.sent[msg.Source]
	cur := withUnknown(prev, msg)
	if slices.Equal(prev, cur) {
		return Message{}, false // another process notified this change
	}
	msg.Problems = cur
	msg.Previous = append([]string{}, prev...)
	if msg.Problems == nil {
		msg.Problems = []string{}
	}
	msg.Event, msg.Text = describe(msg.Source, prev, cur)
	if len(cur) == 0 {
		delete(n.sent, msg.Source)
	} else {
		n.sent[msg.Source] = append([]string(nil), cur...)
	}
	if err := n.save(msg.Source); err != nil {
		n.log.Error("cannot save the notification state; notifications may repeat after a restart", "path", n.path, "error", err)
	}
	select {
	case n.queue <- job{argv: argv, msg: msg}:
	default:
		n.log.Error("notification dropped: the notify command is not keeping up", "source", msg.Source, "event", msg.Event)
	}
	return msg, true
}

// withUnknown returns msg's problems plus those it could not judge that
// were notified before (they keep their state).
func withUnknown(prev []string, msg Message) []string {
	cur := msg.Problems
	for _, u := range msg.Unknown {
		if slices.Contains(prev, u) && !slices.Contains(cur, u) {
			cur = append(slices.Clone(cur), u)
		}
	}
	return cur
}

// lockState takes the state file's lock (other hoard processes update it
// too) and returns its release. Without the lock (a read-only state
// directory) notifications still go out; they may repeat.
func (n *Notifier) lockState() func() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l, err := lock.Acquire(ctx, n.path+".lock", 20*time.Millisecond)
	if err != nil {
		n.log.Error("cannot lock the notification state; notifications may repeat", "path", n.path, "error", err)
		return func() {}
	}
	return func() { l.Release() }
}

// reload takes source's entry from the file, where another process may
// have changed it.
func (n *Notifier) reload(source string) {
	disk, err := n.read()
	if err != nil {
		return // reported at Open, or a damaged file that save replaces
	}
	if p, ok := disk[source]; ok {
		n.sent[source] = p
	} else {
		delete(n.sent, source)
	}
}

// read returns the state file's contents; a missing file is empty.
func (n *Notifier) read() (map[string][]string, error) {
	m := map[string][]string{}
	b, err := os.ReadFile(n.path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, err
	}
	return m, json.Unmarshal(b, &m)
}

// describe names the event of a change from prev to cur problems.
func describe(source string, prev, cur []string) (string, string) {
	var added []string
	for _, p := range cur {
		if !slices.Contains(prev, p) {
			added = append(added, p)
		}
	}
	if len(added) > 0 {
		return added[0], fmt.Sprintf("hoard: %s is %s", source, strings.Join(cur, " and "))
	}
	if len(cur) == 0 {
		return EventRecovered, fmt.Sprintf("hoard: %s recovered (was %s)", source, strings.Join(prev, " and "))
	}
	return EventRecovered, fmt.Sprintf("hoard: %s is no longer %s, still %s", source, strings.Join(minus(prev, cur), " and "), strings.Join(cur, " and "))
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// save writes source's entry into the state file atomically, keeping the
// other sources' entries as the file has them. The caller holds the lock.
func (n *Notifier) save(source string) error {
	disk, err := n.read()
	if err != nil {
		disk = map[string][]string{}
	}
	if p, ok := n.sent[source]; ok {
		disk[source] = p
	} else {
		delete(disk, source)
	}
	b, err := json.MarshalIndent(disk, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(n.path, b, 0o600)
}

func (n *Notifier) loop() {
	defer close(n.done)
	for j := range n.queue {
		n.send(j)
	}
}

// send runs the command once. Its output goes to the log; a failure is
// logged and not retried (a retry loop would be the storm this package
// prevents).
func (n *Notifier) send(j job) {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	body, _ := json.Marshal(j.msg)
	cmd := exec.CommandContext(ctx, j.argv[0], j.argv[1:]...)
	cmd.Stdin = bytes.NewReader(append(body, '\n'))
	cmd.Env = append(os.Environ(), j.msg.Env()...)
	out, err := cmd.CombinedOutput()
	log := n.log.With("source", j.msg.Source, "event", j.msg.Event, "command", j.argv[0])
	if err != nil {
		log.Error("notify command failed", "error", err, "output", strings.TrimSpace(string(out)))
		return
	}
	log.Info("notified", "message", j.msg.Text)
}

// Close waits for queued messages to be sent. Update must not be called
// after Close.
func (n *Notifier) Close() {
	close(n.queue)
	<-n.done
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
