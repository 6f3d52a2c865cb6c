package suggest

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"github", "reddit", "firefox", "chromium", "bash", "zsh"}
	for _, tt := range []struct{ in, want string }{
		{"githb", "github"}, {"gihtub", "github"}, {"firefx", "firefox"}, {"Reddit", "reddit"},
		{"zhs", "zsh"}, {"bahs", "bash"}, {"mastodon", ""}, {"x", ""}, {"github", ""}, {"chrome", ""},
	} {
		if got := Closest(tt.in, names); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if h := Hint("githb", names); h != ` (did you mean "github"?)` {
		t.Errorf("Hint = %q", h)
	}
}

func TestDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"abc", "acb", 1}, {"kitten", "sitting", 3}, {"日本", "日本語", 1}} {
		if got := distance(tt.a, tt.b); got != tt.d {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.d)
		}
	}
}
