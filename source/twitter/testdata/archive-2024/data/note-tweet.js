window.YTD.note_tweet.part0 = [ {
  "noteTweet" : {
    "noteTweetId" : "1761000000000000001",
    "updatedAt" : "2024-02-22T08:00:00.000Z",
    "lifecycle" : {
      "value" : "1",
      "name" : "Created",
      "originalName" : "Created",
      "annotations" : { }
    },
    "createdAt" : "2024-02-22T08:00:00.000Z",
    "core" : {
      "styletags" : [ ],
      "urls" : [ ],
      "text" : "Backups are a practice, not a product. Backups are a practice, not a product. Backups are a practice, not a product. Backups are a practice, not a product. Backups are a practice, not a product. Backups are a practice, not a product. Backups are a practice, not a product. Backups are a practice, not a product. Backups are a practice, not a product. Test your restores. 🧪",
      "mentions" : [ ],
      "cashtags" : [ ],
      "hashtags" : [ ]
    }
  }
} ]