// Package hackernews is a local fake of Hacker News: the public Firebase
// API (github.com/HackerNews/API: /v0/user/<id>.json with the ids of
// everything the user submitted, newest first, and /v0/item/<id>.json;
// unknown ids answer null, deleted items {"deleted": true, ...}) and the
// web site's list pages as the site renders them (favorites and upvoted,
// stories or comments=t, 30 a page with a "More" link; upvoted only for
// the logged-in user, whose "user" cookie puts their name in the top
// bar). Layout renders the rows as a redesigned site might, so that a
// scraper's reaction to a changed layout can be tested.
package hackernews

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hoard-dev/hoard/internal/fakeapi"
)

// The account.
const (
	User   = "alice"
	Cookie = "alice&5f3a9c0de1b2fake" // the "user" cookie's value
)

// PerPage is how many rows a list page shows.
const PerPage = 30

// Base is the time of the first item.
var Base = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// Server is the fake: the API under /v0 and the site at /.
type Server struct {
	*httptest.Server
	Faults *fakeapi.Injector
	Mu     sync.Mutex
	// Layout "" is the site's; "redesign" renders rows without tr.athing.
	Layout string
	// OldAge writes span.age titles without the Unix time (before 2024).
	OldAge bool
	// LoopMore makes page 2 of favorites link "More" to itself.
	LoopMore bool
	Items    map[int64]map[string]any
	user     map[string]any
	lists    map[string][]int64 // "favorites", "favorite_comments", "upvoted", "upvoted_comments": ids, newest first
	Requests []string
	nextID   int64
	start    time.Time
}

// New starts the fake: the user submitted nStories stories and
// nComments comments (one of them deleted); favorites and upvoted lists
// of other people's items of the given sizes.
func New(nStories, nComments, nFav, nFavComments, nUp, nUpComments int) *Server {
	return NewAt(Base, nStories, nComments, nFav, nFavComments, nUp, nUpComments)
}

// NewAt is New with items made an hour apart from start on.
func NewAt(start time.Time, nStories, nComments, nFav, nFavComments, nUp, nUpComments int) *Server {
	s := &Server{Items: map[int64]map[string]any{}, lists: map[string][]int64{}, nextID: 40000000, start: start}
	s.user = map[string]any{"id": User, "created": 1300000000, "karma": 4242, "about": "I like <i>things</i> &amp; stuff", "submitted": []int64{}}
	for i := range nStories + nComments {
		s.Submit(i >= nStories)
	}
	for i, n := range []int{nFav, nFavComments, nUp, nUpComments} {
		for range n {
			s.List([]string{"favorites", "favorite_comments", "upvoted", "upvoted_comments"}[i])
		}
	}
	s.Faults = fakeapi.Inject(http.HandlerFunc(s.serve))
	s.Server = httptest.NewServer(s.Faults)
	return s
}

func (s *Server) at(id int64) int64 { return s.start.Unix() + (id-40000000)*3600 }

func (s *Server) story(id int64, by string) map[string]any {
	return map[string]any{"by": by, "descendants": id % 50, "id": id, "kids": []int64{id + 1}, "score": id % 300,
		"time": s.at(id), "title": fmt.Sprintf("Show HN: Thing %d – “quoted” & ünïcode", id), "type": "story", "url": fmt.Sprintf("https://example.com/thing/%d?a=1&b=2", id)}
}

func (s *Server) comment(id int64, by string) map[string]any {
	return map[string]any{"by": by, "id": id, "parent": id - 1, "text": fmt.Sprintf("A comment %d &amp; a <a href=\"https://x.example/\">link</a><p>Second paragraph", id),
		"time": s.at(id), "type": "comment"}
}

// Submit adds an item the user submits now (a comment or a story).
func (s *Server) Submit(comment bool) int64 {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.nextID++
	id := s.nextID
	it := s.story(id, User)
	if comment {
		it = s.comment(id, User)
		if id%10 == 7 {
			it = map[string]any{"deleted": true, "id": id, "time": s.at(id), "type": "comment", "parent": id - 1}
		}
	}
	s.Items[id] = it
	s.user["submitted"] = append([]int64{id}, s.user["submitted"].([]int64)...)
	return id
}

// List adds another person's item to the front of one of the lists.
func (s *Server) List(name string) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.nextID++
	id := s.nextID
	if strings.HasSuffix(name, "_comments") {
		s.Items[id] = s.comment(id, "bob")
	} else {
		s.Items[id] = s.story(id, "bob")
	}
	s.lists[name] = append([]int64{id}, s.lists[name]...)
}

// Edit changes an item's text or title.
func (s *Server) Edit(id int64, text string) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	if s.Items[id]["type"] == "story" {
		s.Items[id]["title"] = text
	} else {
		s.Items[id]["text"] = text
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.Mu.Lock()
	defer s.Mu.Unlock()
	s.Requests = append(s.Requests, r.URL.Path+"?"+r.URL.RawQuery)
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/v0/user/") && strings.HasSuffix(p, ".json"):
		if strings.TrimSuffix(strings.TrimPrefix(p, "/v0/user/"), ".json") == User {
			writeJSON(w, s.user)
		} else {
			writeJSON(w, nil)
		}
	case strings.HasPrefix(p, "/v0/item/") && strings.HasSuffix(p, ".json"):
		id, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(p, "/v0/item/"), ".json"), 10, 64)
		if it, ok := s.Items[id]; ok {
			writeJSON(w, it)
		} else {
			writeJSON(w, nil)
		}
	case strings.HasPrefix(p, "/v0/"):
		w.WriteHeader(401)
		writeJSON(w, map[string]string{"error": "Permission denied"})
	case p == "/favorites" || p == "/upvoted":
		s.list(w, r, p[1:])
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

// loggedIn returns the user whose cookie the request carries, or "".
func loggedIn(r *http.Request) string {
	c, err := r.Cookie("user")
	if err != nil || c.Value != Cookie {
		return ""
	}
	return User
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, what string) {
	q := r.URL.Query()
	me := loggedIn(r)
	comments := q.Get("comments") == "t"
	name := map[bool]string{false: what, true: strings.TrimSuffix(what, "s") + "_comments"}[comments]
	if what == "favorites" && comments {
		name = "favorite_comments"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if q.Get("id") != User {
		fmt.Fprint(w, "No such user.")
		return
	}
	if what == "upvoted" && me != User {
		fmt.Fprint(w, s.frame(me, what, "<tr><td>Can't display that.</td></tr>"))
		return
	}
	pageNo, _ := strconv.Atoi(q.Get("p"))
	pageNo = max(pageNo, 1)
	ids := s.lists[name]
	start, end := min((pageNo-1)*PerPage, len(ids)), min(pageNo*PerPage, len(ids))
	var b strings.Builder
	b.WriteString(`<tr id="bigbox"><td><table border="0" cellpadding="0" cellspacing="0">`)
	for i, id := range ids[start:end] {
		if comments {
			b.WriteString(s.commentRow(id, me))
		} else {
			b.WriteString(s.storyRow(id, start+i+1, me))
		}
	}
	if end < len(ids) || s.LoopMore && pageNo == 2 {
		next := pageNo + 1
		if s.LoopMore && pageNo == 2 {
			next = 2
		}
		more := url.Values{"id": {User}, "p": {strconv.Itoa(next)}}
		if comments {
			more.Set("comments", "t")
		}
		fmt.Fprintf(&b, `<tr class="morespace" style="height:10px"></tr><tr><td colspan="2"></td><td class="title"><a href="%s?%s" class="morelink" rel="next">More</a></td></tr>`,
			what, html.EscapeString(more.Encode()))
	}
	b.WriteString(`</table></td></tr>`)
	fmt.Fprint(w, s.frame(me, what, b.String()))
}

// frame is the page around the rows: the top bar (with the logged-in
// user), the list, the footer.
func (s *Server) frame(me, what, rows string) string {
	right := `<a href="login?goto=` + what + `%3Fid%3D` + User + `">login</a>`
	if me != "" {
		right = fmt.Sprintf(`<a id="me" href="user?id=%s">%s</a> (4242) | <a id="logout" rel="nofollow" href="logout?auth=0123abcd&amp;goto=news">logout</a>`, me, me)
	}
	return `<html lang="en" op="` + what + `"><head><meta name="referrer" content="origin"><meta name="viewport" content="width=device-width, initial-scale=1.0"><link rel="stylesheet" type="text/css" href="news.css?abc">
<title>` + User + `'s ` + what + ` | Hacker News</title></head><body><center><table id="hnmain" border="0" cellpadding="0" cellspacing="0" width="85%" bgcolor="#f6f6ef">
<tr><td bgcolor="#ff6600"><table border="0" cellpadding="0" cellspacing="0" width="100%" style="padding:2px"><tr><td style="width:18px;padding-right:4px"><a href="https://news.ycombinator.com"><img src="y18.svg" width="18" height="18" style="border:1px white solid; display:block"></a></td>
<td style="line-height:12pt; height:10px;"><span class="pagetop"><b class="hnname"><a href="news">Hacker News</a></b>
<a href="newest">new</a> | <a href="front">past</a> | <a href="newcomments">comments</a> | <a href="ask">ask</a> | <a href="show">show</a> | <a href="jobs">jobs</a> | <a href="submit" rel="nofollow">submit</a></span></td><td style="text-align:right;padding-right:4px;"><span class="pagetop">
` + right + `</span></td></tr></table></td></tr>
<tr id="pagespace" title="` + User + `&#x27;s ` + what + `" style="height:10px"></tr>` + rows + `
<tr><td><img src="s.gif" height="10" width="0"><table width="100%" cellspacing="0" cellpadding="1"><tr><td bgcolor="#ff6600"></td></tr></table><br>
<center><span class="yclinks"><a href="newsguidelines.html">Guidelines</a> | <a href="newsfaq.html">FAQ</a> | <a href="lists">Lists</a> | <a href="https://github.com/HackerNews/API">API</a> | <a href="security.html">Security</a> | <a href="https://www.ycombinator.com/legal/">Legal</a> | <a href="https://www.ycombinator.com/apply/">Apply to YC</a> | <a href="mailto:hn@ycombinator.com">Contact</a></span><br><br>
<form method="get" action="//hn.algolia.com/">Search: <input type="text" name="q" size="17" autocorrect="off" spellcheck="false" autocapitalize="off" autocomplete="off"></form></center></td></tr>
</table></center></body><script type='text/javascript' src='hn.js?abc'></script></html>`
}

func (s *Server) age(id int64) string {
	t := time.Unix(s.at(id), 0).UTC()
	title := t.Format("2006-01-02T15:04:05")
	if !s.OldAge {
		title += " " + strconv.FormatInt(t.Unix(), 10)
	}
	return fmt.Sprintf(`<span class="age" title="%s"><a href="item?id=%d">%s</a></span>`, title, id, "on "+t.Format("Jan 2, 2006"))
}

func (s *Server) rowClass() string {
	if s.Layout == "redesign" {
		return "item-row"
	}
	return "athing submission"
}

func (s *Server) storyRow(id int64, rank int, me string) string {
	it := s.Items[id]
	vote := ""
	if me != "" {
		vote = fmt.Sprintf(`<a id='up_%d' class='clicky' href='vote?id=%d&amp;how=up&amp;auth=0123&amp;goto=favorites%%3Fid%%3D%s'><div class='votearrow' title='upvote'></div></a>`, id, id, User)
	}
	u, _ := url.Parse(it["url"].(string))
	comments := fmt.Sprintf("%d&nbsp;comments", it["descendants"])
	if it["descendants"].(int64) == 0 {
		comments = "discuss"
	}
	return fmt.Sprintf(`<tr class="%s" id="%d">
      <td align="right" valign="top" class="title"><span class="rank">%d.</span></td>      <td valign="top" class="votelinks"><center>%s</center></td><td class="title"><span class="titleline"><a href="%s">%s</a><span class="sitebit comhead"> (<a href="from?site=%s"><span class="sitestr">%s</span></a>)</span></span></td></tr><tr><td colspan="2"></td><td class="subtext"><span class="subline">
          <span class="score" id="score_%d">%d points</span> by <a href="user?id=%s" class="hnuser">%s</a> %s <span id="unv_%d"></span> | <a href="hide?id=%d&amp;goto=favorites">hide</a> | <a href="item?id=%d">%s</a>        </span>
              </td></tr>
      <tr class="spacer" style="height:5px"></tr>`,
		s.rowClass(), id, rank, vote, html.EscapeString(it["url"].(string)), html.EscapeString(it["title"].(string)), u.Host, u.Host,
		id, it["score"], it["by"], it["by"], s.age(id), id, id, id, comments)
}

func (s *Server) commentRow(id int64, me string) string {
	it := s.Items[id]
	class := "athing"
	if s.Layout == "redesign" {
		class = "item-row"
	}
	return fmt.Sprintf(`<tr class='%s' id='%d'>    <td class='ind'></td><td valign="top" class="votelinks">
      <center><a id='up_%d' class='clicky' href='vote?id=%d&amp;how=up&amp;goto=favorites%%3Fid%%3D%s%%26comments%%3Dt#%d'><div class='votearrow' title='upvote'></div></a></center>    </td><td class="default"><div style="margin-top:2px; margin-bottom:-10px;"><span class="comhead">
          <a href="user?id=%s" class="hnuser">%s</a> %s <span id="unv_%d"></span>          <span class='navs'>
             | <a href="item?id=%d">parent</a> | <a href="context?id=%d" rel="nofollow">context</a><span class="onstory"> |  on: <a href="item?id=%d" title="The story of comment %d, with a long title">The story of comment %d, w...</a></span>          </span>
                  </span></div><br><div class="comment">
                  <div class="commtext c00">%s</div>
              <div class='reply'></div></div></td></tr>
      <tr class="spacer" style="height:15px"></tr>`,
		class, id, id, id, User, id, it["by"], it["by"], s.age(id), id, it["parent"], id, id-1, id, id, it["text"])
}
