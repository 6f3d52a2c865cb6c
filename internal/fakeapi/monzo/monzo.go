// Package monzo is a local fake of the Monzo developer API
// (https://docs.monzo.com), for the tests of source/monzo:
//
//   - GET /accounts, GET /balance?account_id=, GET
//     /transactions?account_id= with since (an RFC 3339 time, or a
//     transaction id: the transactions after it), before and limit
//     (default 30, at most 100), oldest first;
//   - OAuth2: /authorize (auth.monzo.com) and /oauth2/token (client
//     credentials in the form); refreshing is a one-time operation, so
//     every refresh issues a new refresh token; a bad token is 401
//     {"code": "unauthorized.bad_access_token", ...};
//   - Strong Customer Authentication: nothing but 403
//     forbidden.insufficient_permissions until the user approves access
//     in the app (Approved); for 5 minutes after that every transaction
//     can be read; afterwards only the last 90 days, and a request that
//     reaches further back (or names no since) is 403 (the body is not
//     documented; this one is invented: hoard relies on the status only).
//
// Faults (fakeapi.Injector) sit in front of the fake.
package monzo

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// Tx is one transaction.
type Tx struct {
	ID          string
	Account     string
	Created     time.Time
	Amount      int
	Description string
	Settled     bool
}

// Server is the fake.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector
	OAuth  *fakeapi.OAuth2
	clock  fakeapi.Clock

	Mu       sync.Mutex
	Accounts []string // account ids
	Txs      []Tx     // oldest first
	Balance  map[string]int
	// Approved: the user approved access in the Monzo app.
	Approved bool
	// ApprovedAt starts the 5 minutes of full history; zero: long ago.
	ApprovedAt time.Time
	Calls      []string
	Forbidden  int // 403 answers
}

// New starts a fake whose OAuth client is id/secret, with one account.
func New(clock fakeapi.Clock, id, secret string) *Server {
	s := &Server{clock: clock, Accounts: []string{"acc_00009237aqC8c5umZmrRdh"}, Balance: map[string]int{}, Approved: true}
	s.OAuth = &fakeapi.OAuth2{ClientID: id, ClientSecret: secret, ClientAuth: "post", Rotate: true, ExpiresIn: 21600, Clock: clock,
		Unauthorized: `{"code":"unauthorized.bad_access_token","message":"Access token has expired"}`,
		Extra:        map[string]any{"client_id": id, "user_id": "user_00009238aMBIIrS5Rdncq9"}}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", s.OAuth.Authorize)
	mux.HandleFunc("/oauth2/token", s.OAuth.Token)
	mux.HandleFunc("/", s.api)
	s.Faults = fakeapi.Inject(mux)
	s.Server = httptest.NewServer(s.Faults)
	return s
}

// Add adds n transactions to account acc, a day apart, the newest at last.
func (s *Server) Add(acc string, n int, last time.Time) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	for i := n - 1; i >= 0; i-- {
		k := len(s.Txs) + 1
		s.Txs = append(s.Txs, Tx{ID: fmt.Sprintf("tx_%020d", k), Account: acc, Created: last.Add(-time.Duration(i) * 24 * time.Hour),
			Amount: -100 - k, Description: fmt.Sprintf("PRET A MANGER %d  LONDON  GBR", k), Settled: i > 0})
	}
}

func monzoError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg, "params": map[string]string{}, "retryable": map[string]any{}})
}

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	if !s.OAuth.Authorized(w, r) {
		return
	}
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Calls = append(s.Calls, r.URL.Path+"?"+r.URL.RawQuery)
	if !s.Approved {
		s.Forbidden++
		monzoError(w, http.StatusForbidden, "forbidden.insufficient_permissions", "Access forbidden due to insufficient permissions")
		return
	}
	q := r.URL.Query()
	switch r.URL.Path {
	case "/ping/whoami":
		writeJSON(w, http.StatusOK, map[string]any{"authenticated": true, "client_id": s.OAuth.ClientID, "user_id": "user_00009238aMBIIrS5Rdncq9"})
	case "/accounts":
		var out []map[string]any
		for _, a := range s.Accounts {
			out = append(out, map[string]any{"id": a, "closed": false, "created": "2015-11-13T12:17:42.102Z",
				"description": "user_00009238aMBIIrS5Rdncq9", "type": "uk_retail", "currency": "GBP", "country_code": "GB",
				"owners": []map[string]string{{"user_id": "user_00009238aMBIIrS5Rdncq9", "preferred_name": "Zoë Ångström"}}})
		}
		writeJSON(w, http.StatusOK, map[string]any{"accounts": out})
	case "/balance":
		if !s.known(q.Get("account_id")) {
			monzoError(w, http.StatusBadRequest, "bad_request.bad_param.account_id", "Invalid account_id")
			return
		}
		b := s.Balance[q.Get("account_id")]
		writeJSON(w, http.StatusOK, map[string]any{"balance": b, "total_balance": b + 1000, "currency": "GBP", "spend_today": -230,
			"balance_including_flexible_savings": b + 1000, "local_currency": "", "local_exchange_rate": 0, "local_spend": []any{}})
	case "/transactions":
		s.transactions(w, q.Get("account_id"), q.Get("since"), q.Get("before"), q.Get("limit"))
	default:
		monzoError(w, http.StatusNotFound, "not_found", "Not found")
	}
}

func (s *Server) known(acc string) bool {
	for _, a := range s.Accounts {
		if a == acc {
			return true
		}
	}
	return false
}

// horizon is the oldest time a request may reach now (zero: any).
func (s *Server) horizon() time.Time {
	now := s.clock.Now()
	start := s.ApprovedAt
	if at := s.OAuth.AuthorizedAt(); at.After(start) {
		start = at
	}
	if !start.IsZero() && !now.After(start.Add(5*time.Minute)) {
		return time.Time{}
	}
	return now.Add(-90 * 24 * time.Hour)
}

func (s *Server) transactions(w http.ResponseWriter, acc, since, before, limitText string) {
	if !s.known(acc) {
		monzoError(w, http.StatusBadRequest, "bad_request.bad_param.account_id", "Invalid account_id")
		return
	}
	limit, err := strconv.Atoi(limitText)
	if err != nil || limit <= 0 {
		limit = 30
	}
	if limit > 100 {
		monzoError(w, http.StatusBadRequest, "bad_request.bad_param.limit", "limit must be at most 100")
		return
	}
	var from time.Time
	afterID := ""
	if since != "" {
		if t, err := time.Parse(time.RFC3339Nano, since); err == nil {
			from = t
		} else {
			afterID = since
			for _, tx := range s.Txs {
				if tx.ID == since {
					from = tx.Created
				}
			}
		}
	}
	if h := s.horizon(); !h.IsZero() && (since == "" || from.Before(h)) {
		s.Forbidden++
		monzoError(w, http.StatusForbidden, "forbidden.verification_required", "Verification required")
		return
	}
	var end time.Time
	if before != "" {
		end, _ = time.Parse(time.RFC3339Nano, before)
	}
	out := []map[string]any{}
	seen := afterID == ""
	for _, tx := range s.Txs {
		if tx.ID == afterID {
			seen = true
			continue
		}
		if !seen || tx.Account != acc || tx.Created.Before(from) || !end.IsZero() && !tx.Created.Before(end) {
			continue
		}
		if len(out) == limit {
			break
		}
		settled := ""
		if tx.Settled {
			settled = tx.Created.Add(24 * time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
		}
		out = append(out, map[string]any{"id": tx.ID, "account_id": tx.Account, "created": tx.Created.UTC().Format("2006-01-02T15:04:05.000Z"),
			"amount": tx.Amount, "currency": "GBP", "description": tx.Description, "notes": "", "metadata": map[string]any{},
			"category": "eating_out", "is_load": false, "settled": settled, "dedupe_id": "d-" + tx.ID,
			"merchant": map[string]any{"id": "merch_00008zIcpbAKe8shBxXUtl", "name": "Pret A Manger", "emoji": "🥪", "category": "eating_out"}})
	}
	writeJSON(w, http.StatusOK, map[string]any{"transactions": out})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
