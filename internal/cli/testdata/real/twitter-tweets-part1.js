window.YTD.tweets.part1 = [ {
  "tweet" : {
    "id_str" : "999999999999999999",
    "id" : "999999999999999999",
    "created_at" : "Wed May 09 08:00:00 +0000 2018",
    "full_text" : "older, from the second part file",
    "favorite_count" : "1",
    "retweet_count" : "0",
    "lang" : "en"
  }
} ]
