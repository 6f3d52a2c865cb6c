window.YTD.tweets.part1 = [ {
  "tweet" : {
    "edit_info" : {
      "initial" : {
        "editTweetIds" : [ "1087654321098765432" ],
        "editableUntil" : "2023-01-01T00:00:00.000Z",
        "editsRemaining" : "5",
        "isEditEligible" : false
      }
    },
    "retweeted" : false,
    "source" : "<a href=\"http://twitter.com/download/iphone\" rel=\"nofollow\">Twitter for iPhone</a>",
    "entities" : {
      "hashtags" : [ ],
      "symbols" : [ ],
      "user_mentions" : [ ],
      "urls" : [ ]
    },
    "display_text_range" : [ "0", "29" ],
    "favorite_count" : "4",
    "id_str" : "1087654321098765432",
    "truncated" : false,
    "retweet_count" : "0",
    "id" : "1087654321098765432",
    "created_at" : "Tue Jan 22 07:05:01 +0000 2019",
    "favorited" : false,
    "full_text" : "Frühstück in Köln ☕🥐 — schön!",
    "lang" : "de"
  }
}, {
  "tweet" : {
    "edit_info" : {
      "initial" : {
        "editTweetIds" : [ "1500000000000000000" ],
        "editableUntil" : "2023-01-01T00:00:00.000Z",
        "editsRemaining" : "5",
        "isEditEligible" : false
      }
    },
    "retweeted" : false,
    "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
    "entities" : {
      "hashtags" : [ ],
      "symbols" : [ ],
      "user_mentions" : [ ],
      "urls" : [ ]
    },
    "display_text_range" : [ "0", "38" ],
    "favorite_count" : "0",
    "id_str" : "1500000000000000000",
    "truncated" : false,
    "retweet_count" : "0",
    "id" : "1500000000000000000",
    "created_at" : "Sat Mar 05 06:00:00 +0000 2022",
    "favorited" : false,
    "full_text" : "A tweet in the second part of the file",
    "lang" : "en"
  }
} ]