window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1193851832447655936" ],
          "editableUntil" : "2019-11-11T11:22:58.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
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
      "display_text_range" : [ "0", "44" ],
      "favorite_count" : "3",
      "id_str" : "1193851832447655936",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1193851832447655936",
      "created_at" : "Mon Nov 11 10:22:58 +0000 2019",
      "favorited" : false,
      "full_text" : "Backups are a gift to your future self 💾 #data",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "source" : "<a href=\"http://twitter.com/download/android\" rel=\"nofollow\">Twitter for Android</a>",
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "display_text_range" : [ "0", "27" ],
      "favorite_count" : "0",
      "in_reply_to_status_id_str" : "1193851832447655936",
      "id_str" : "1194000000000000001",
      "in_reply_to_user_id" : "12",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1194000000000000001",
      "in_reply_to_status_id" : "1193851832447655936",
      "created_at" : "Mon Nov 11 20:05:00 +0100 2019",
      "favorited" : false,
      "full_text" : "@me and so is reading them",
      "lang" : "en"
    }
  }
]
