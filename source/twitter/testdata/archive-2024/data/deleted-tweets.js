window.YTD.deleted_tweets.part0 = [ {
  "tweet" : {
    "edit_info" : {
      "initial" : {
        "editTweetIds" : [ "1650000000000000004" ],
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
    "display_text_range" : [ "0", "21" ],
    "favorite_count" : "0",
    "id_str" : "1650000000000000004",
    "truncated" : false,
    "retweet_count" : "0",
    "id" : "1650000000000000004",
    "created_at" : "Sun Apr 23 08:00:00 +0000 2023",
    "favorited" : false,
    "full_text" : "deleting this later 🙈",
    "lang" : "en",
    "deleted_at" : "Sun Apr 23 09:30:00 +0000 2023"
  }
} ]