window.YTD.direct_messages_group.part0 = [ {
  "dmConversation" : {
    "conversationId" : "1600000000000000777",
    "messages" : [ {
      "joinConversation" : {
        "initiatingUserId" : "555000555",
        "participantsSnapshot" : [ "123456789", "555000555", "987654321" ],
        "createdAt" : "2022-09-13T12:26:40.000Z"
      }
    }, {
      "messageCreate" : {
        "reactions" : [ ],
        "urls" : [ ],
        "text" : "Welcome to the group 🎉",
        "mediaUrls" : [ ],
        "senderId" : "555000555",
        "id" : "1600000000000000800",
        "createdAt" : "2022-09-13T12:27:00.000Z"
      }
    }, {
      "conversationNameUpdate" : {
        "initiatingUserId" : "555000555",
        "name" : "Backup nerds",
        "createdAt" : "2022-09-13T12:28:00.000Z"
      }
    }, {
      "messageCreate" : {
        "reactions" : [ ],
        "urls" : [ ],
        "text" : 