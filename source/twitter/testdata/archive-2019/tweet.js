window.YTD.tweet.part0 = [ {
  "retweeted" : false,
  "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
  "entities" : {
    "hashtags" : [ ],
    "symbols" : [ ],
    "user_mentions" : [ ],
    "urls" : [ ]
  },
  "display_text_range" : [ "0", "45" ],
  "favorite_count" : "3",
  "id_str" : "1193478612345678901",
  "truncated" : false,
  "retweet_count" : "0",
  "id" : "1193478612345678901",
  "created_at" : "Mon Nov 11 10:22:58 +0000 2019",
  "favorited" : false,
  "full_text" : "Backing up my own data, finally. #selfhosting",
  "lang" : "en"
}, {
  "retweeted" : false,
  "source" : "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
  "entities" : {
    "hashtags" : [ ],
    "symbols" : [ ],
    "user_mentions" : [ ],
    "urls" : [ ]
  },
  "display_text_range" : [ "0", "29" ],
  "favorite_count" : "1",
  "id_str" : "1087654321098765432",
  "truncated" : false,
  "retweet_count" : "0",
  "id" : "1087654321098765432",
  "created_at" : "Tue Jan 22 07:05:01 +0000 2019",
  "favorited" : false,
  "full_text" : "Frühstück in Köln ☕🥐 — schön!",
  "lang" : "de"
}, {
  "retweeted" : false,
  "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
  "entities" : {
    "hashtags" : [ ],
    "symbols" : [ ],
    "user_mentions" : [ {
      "name" : "Alice",
      "screen_name" : "alice",
      "indices" : [ "0", "6" ],
      "id_str" : "22334455",
      "id" : "22334455"
    } ],
    "urls" : [ ]
  },
  "display_text_range" : [ "0", "51" ],
  "favorite_count" : "0",
  "id_str" : "1001122334455667788",
  "truncated" : false,
  "retweet_count" : "0",
  "id" : "1001122334455667788",
  "created_at" : "Thu May 31 23:59:59 +0000 2018",
  "favorited" : false,
  "full_text" : "@alice yes, the WAL file stays next to the database",
  "lang" : "en",
  "in_reply_to_status_id_str" : "1001122334455660000",
  "in_reply_to_status_id" : "1001122334455660000",
  "in_reply_to_user_id" : "22334455",
  "in_reply_to_user_id_str" : "22334455",
  "in_reply_to_screen_name" : "alice"
} ]