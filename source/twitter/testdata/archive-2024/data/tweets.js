window.YTD.tweets.part0 = [ {
  "tweet" : {
    "edit_info" : {
      "initial" : {
        "editTweetIds" : [ "1193478612345678901" ],
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
    "display_text_range" : [ "0", "45" ],
    "favorite_count" : "17",
    "id_str" : "1193478612345678901",
    "truncated" : false,
    "retweet_count" : "0",
    "id" : "1193478612345678901",
    "created_at" : "Mon Nov 11 10:22:58 +0000 2019",
    "favorited" : false,
    "full_text" : "Backing up my own data, finally. #selfhosting",
    "lang" : "en"
  }
}, {
  "tweet" : {
    "edit_info" : {
      "initial" : {
        "editTweetIds" : [ "1609459200000000001" ],
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
    "display_text_range" : [ "0", "73" ],
    "favorite_count" : "42",
    "id_str" : "1609459200000000001",
    "truncated" : false,
    "retweet_count" : "0",
    "id" : "1609459200000000001",
    "created_at" : "Sun Jan 01 00:00:00 +0000 2023",
    "favorited" : false,
    "full_text" : "Happy new year 🎆 from a timezone that is not UTC (but Twitter writes UTC)",
    "lang" : "en"
  }
}, {
  "tweet" : {
    "edit_info" : {
      "initial" : {
        "editTweetIds" : [ "1700000000000000002" ],
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
    "display_text_range" : [ "0", "11" ],
    "favorite_count" : "5",
    "id_str" : "1700000000000000002",
    "truncated" : false,
    "retweet_count" : "0",
    "id" : "1700000000000000002",
    "created_at" : "Fri Sep 08 12:26:40 +0000 2023",
    "favorited" : false,
    "full_text" : "東京は今日も暑い。#夏",
    "lang" : "ja"
  }
}, {
  "tweet" : {
    "edit_info" : {
      "initial" : {
        "editTweetIds" : [ "1760000000000000003" ],
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
      "urls" : [ {
        "url" : "https://t.co/AbCdEf",
        "expanded_url" : "https://example.org/archives",
        "display_url" : "example.org/archives",
        "indices" : [ "55", "74" ]
      } ]
    },
    "display_text_range" : [ "0", "70" ],
    "favorite_count" : "2",
    "id_str" : "1760000000000000003",
    "truncated" : false,
    "retweet_count" : "0",
    "id" : "1760000000000000003",
    "created_at" : "Wed Feb 21 10:15:30 +0000 2024",
    "favorited" : false,
    "full_text" : "Reading about \"archives as snapshots\" & <escaping> https://t.co/AbCdEf",
    "lang" : "en"
  }
} ]