package fakeapi

import (
	"fmt"
	"net"
	"net/http"
	"sync"
)

// Injector wraps any handler, such as a fake of one particular service,
// with scripted faults keyed by request number (from 1): the transport and
// HTTP faults Status, Reset, Slow, Truncate, InvalidJSON and ErrorBody.
// Requests without a fault go to the wrapped handler. It is safe for
// concurrent use.
type Injector struct {
	next   http.Handler
	mu     sync.Mutex
	n      int
	faults map[int]Fault
}

// Inject wraps next.
func Inject(next http.Handler) *Injector {
	return &Injector{next: next, faults: map[int]Fault{}}
}

// At schedules fault f for the i-th request (from 1).
func (in *Injector) At(i int, f Fault) *Injector {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.faults[i] = f
	return in
}

// Requests returns how many requests arrived, faulted ones included.
func (in *Injector) Requests() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.n
}

// ServeHTTP answers with the scheduled fault, if any, else passes on.
func (in *Injector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	in.mu.Lock()
	in.n++
	f, faulted := in.faults[in.n]
	in.mu.Unlock()
	if faulted && WriteFault(w, r, f) {
		return
	}
	in.next.ServeHTTP(w, r)
}

// WriteFault answers r with fault f and reports whether f is one it can
// write (the list-specific faults, such as AddItem, need the Server).
func WriteFault(w http.ResponseWriter, r *http.Request, f Fault) bool {
	switch f.Kind {
	case Status:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		body := f.Body
		if body == "" {
			body = fmt.Sprintf(`{"message":"%s"}`, http.StatusText(f.Status))
		}
		writeJSON(w, f.Status, body)
	case Reset:
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			if tcp, ok := conn.(*net.TCPConn); ok {
				tcp.SetLinger(0)
			}
			conn.Close()
		}
	case Slow:
		<-r.Context().Done()
	case Truncate:
		w.Header().Set("Content-Length", "1000")
		w.Write([]byte(`{"items":[{"id":`))
	case InvalidJSON:
		writeJSON(w, http.StatusOK, `{"items":[{"id":1,}`)
	case ErrorBody:
		writeJSON(w, http.StatusOK, f.Body)
	default:
		return false
	}
	return true
}
