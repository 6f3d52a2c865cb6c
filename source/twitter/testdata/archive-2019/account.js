window.YTD.account.part0 = [ {
  "account" : {
    "email" : "me@example.org",
    "createdVia" : "web",
    "username" : "me",
    "accountId" : "123456789",
    "createdAt" : "2009-03-01T12:00:00.000Z",
    "accountDisplayName" : "Me"
  }
} ]