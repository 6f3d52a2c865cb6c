window.YTD.direct_message.part0 = [ {
  "dmConversation" : {
    "conversationId" : "123456789-987654321",
    "messages" : [ {
      "messageCreate" : {
        "recipientId" : "123456789",
        "reactions" : [ ],
        "urls" : [ ],
        "text" : "Did you see my tweet? 😀",
        "mediaUrls" : [ ],
        "senderId" : "987654321",
        "id" : "1193479000000000001",
        "createdAt" : "2019-11-11T10:30:00.123Z"
      }
    }, {
      "messageCreate" : {
        "recipientId" : "987654321",
        "reactions" : [ ],
        "urls" : [ ],
        "text" : "Hi Bob!",
        "mediaUrls" : [ ],
        "senderId" : "123456789",
        "id" : "1193478900000000000",
        "createdAt" : "2019-11-11T10:25:10.500Z"
      }
    } ]
  }
} ]