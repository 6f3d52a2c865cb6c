window.YTD.like.part0 = [ {
  "like" : {
    "tweetId" : "1190000000000000001",
    "fullText" : "The best way to predict the future is to invent it.",
    "expandedUrl" : "https://twitter.com/i/web/status/1190000000000000001"
  }
}, {
  "like" : {
    "tweetId" : "1180000000000000002",
    "fullText" : "Ünïcödé everywhere: ½ ∞ ≠ 🤖",
    "expandedUrl" : "https://twitter.com/i/web/status/1180000000000000002"
  }
}, {
  "like" : {
    "tweetId" : "1750000000000000003",
    "fullText" : "SQLite is not a toy database",
    "expandedUrl" : "https://twitter.com/i/web/status/1750000000000000003"
  }
}, {
  "like" : {
    "tweetId" : "1740000000000000004",
    "expandedUrl" : "https://twitter.com/i/web/status/1740000000000000004"
  }
} ]