(self.webpackChunk=self.webpackChunk||[]).push([[1],{42:function(e,t,n){"use strict";n.r(t)}}]);
