window.YTD.direct_messages.part0 = [ {
  "dmConversation" : {
    "conversationId" : "123456789-987654321",
    "messages" : [ {
      "messageCreate" : {
        "recipientId" : "987654321",
        "reactions" : [ {
          "senderId" : "987654321",
          "reactionKey" : "like",
          "eventId" : "1700000100000000099",
          "createdAt" : "2023-09-08T12:31:00.000Z"
        } ],
        "urls" : [ ],
        "text" : "back in Tokyo 🗼",
        "mediaUrls" : [ ],
        "senderId" : "123456789",
        "id" : "1700000100000000002",
        "createdAt" : "2023-09-08T12:30:00.000Z"
      }
    }, {
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
}, {
  "dmConversation" : {
    "conversationId" : "123456789-555000555",
    "messages" : [ {
      "messageCreate" : {
        "recipientId" : "123456789",
        "reactions" : [ ],
        "urls" : [ {
          "url" : "https://t.co/XyZ",
          "expanded" : "https://example.org/x",
          "display" : "example.org/x"
        } ],
        "text" : "see https://t.co/XyZ",
        "mediaUrls" : [ ],
        "senderId" : "555000555",
        "id" : "1760000200000000003",
        "createdAt" : "2024-02-21T10:20:00.000Z"
      }
    } ]
  }
} ]