#!/usr/bin/env python3
"""Writes the HTML activity pages of the fixtures, in the shape Takeout
gives them (one line, every activity an outer-cell div, the caption's
sections headed by bold labels in the account's language). Run it from
this directory; the pages it writes are committed."""

CSS = """body,.mdl-grid{margin:0;padding:0}.outer-cell{margin:8px;box-shadow:0 2px 2px 0 rgba(0,0,0,.14)}\
.header-cell{background:#fafafa}.mdl-typography--title{font-size:20px;font-weight:500}\
.content-cell{padding:8px}.mdl-typography--caption{font-size:12px;color:#757575}"""

def cell(header, body, caption):
    return ('<div class="outer-cell mdl-cell mdl-cell--12-col mdl-shadow--2dp"><div class="mdl-grid">'
            '<div class="header-cell mdl-cell mdl-cell--12-col"><p class="mdl-typography--title">' + header + '<br></p></div>'
            '<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1">' + body + '</div>'
            '<div class="content-cell mdl-cell mdl-cell--6-col mdl-typography--body-1 mdl-typography--text-right"></div>'
            '<div class="content-cell mdl-cell mdl-cell--12-col mdl-typography--caption">' + caption + '</div>'
            '</div></div>')

def page(cells):
    return ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><title>My Activity</title>'
            '<style type="text/css">' + CSS + '</style></head><body><div class="mdl-grid">' + ''.join(cells) + '</div></body></html>')

WHY_EN = ('<b>Why is this here?</b><br>&emsp;This activity was saved to your Google Account because the following settings were on:&nbsp;'
          '%s.&nbsp;You can control these settings &nbsp;<a href="https://myaccount.google.com/activitycontrols">here</a>.')

NNBSP = '\u202f'

# English (United States), exported in summer 2023 from California: every
# time is written at PDT, January ones too (Takeout's own quirk).
en = [
    cell('YouTube',
         'Watched&nbsp;<a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">Never Gonna Give You Up</a><br>'
         '<a href="https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw">Rick Astley</a><br>Jan 5, 2021, 8:00:00' + NNBSP + 'AM PDT',
         '<b>Products:</b><br>&emsp;YouTube<br>' + WHY_EN % 'YouTube watch history'),
    cell('YouTube',
         'Searched for&nbsp;<a href="https://www.youtube.com/results?search_query=lofi+hip+hop+radio">lofi hip hop radio</a><br>'
         'Jan 5, 2021, 7:58:12' + NNBSP + 'AM PDT',
         '<b>Products:</b><br>&emsp;YouTube<br>' + WHY_EN % 'YouTube search history'),
    cell('YouTube',
         'Subscribed to&nbsp;<a href="https://www.youtube.com/channel/UCsBjURrPoezykLs9EqgamOA">Fireship</a><br>'
         'Mar 3, 2023, 11:05:09' + NNBSP + 'PM PDT',
         '<b>Products:</b><br>&emsp;YouTube<br>' + WHY_EN % 'YouTube watch history'),
    cell('YouTube',
         'Watched&nbsp;<a href="https://www.youtube.com/watch?v=jNQXAC9IVRw">Me at the zoo</a><br>'
         '<a href="https://www.youtube.com/channel/UC4QobU6STFB0P71PMvOGN5A">jawed</a><br>Jul 1, 2023, 12:00:00' + NNBSP + 'PM PDT',
         '<b>Products:</b><br>&emsp;YouTube<br><b>Details:</b><br>&emsp;From Google Ads<br>'
         '<b>Locations:</b><br>&emsp;At <a href="https://www.google.com/maps/@?api=1&amp;map_action=map&amp;center=37.422,-122.084&amp;zoom=11">this general area</a>'
         ' - From <a href="https://support.google.com/maps/answer/1">your places</a> (Home)<br>' + WHY_EN % 'YouTube watch history'),
    cell('YouTube',
         'Watched&nbsp;<a href="https://www.youtube.com/watch?v=KQ6zr6kCPj8">LMFAO - Party Rock Anthem ft. Lauren Bennett, GoonRock &amp; &lt;friends&gt;</a><br>'
         '<a href="https://www.youtube.com/channel/UCWbRkpZNOatgQfNyrk4-gHw">LMFAO</a><br>Dec 31, 2022, 11:59:59' + NNBSP + 'PM PDT',
         '<b>Products:</b><br>&emsp;YouTube<br>' + WHY_EN % 'YouTube watch history'),
]

# English, a takeout of 2017: no zone (UTC), the short caption.
old = [
    cell('YouTube',
         'Watched&nbsp;<a href="https://www.youtube.com/watch?v=9bZkp7q19f0">PSY - GANGNAM STYLE(강남스타일) M/V</a><br>'
         '<a href="https://www.youtube.com/channel/UCrDkAvwZum-UTjHmzDI2iIw">officialpsy</a><br>Jun 23, 2015, 2:43:45 PM',
         '<b>Products:</b><br>&emsp;YouTube<br>'),
    cell('YouTube',
         'Searched for&nbsp;<a href="https://www.youtube.com/results?search_query=gangnam+style">gangnam style</a><br>Jun 23, 2015, 2:41:02 PM',
         '<b>Products:</b><br>&emsp;YouTube<br>'),
    cell('Search',
         'Searched for&nbsp;<a href="https://www.google.com/search?q=golang+1.5+release">golang 1.5 release</a><br>Aug 19, 2015, 9:15:00 AM',
         '<b>Products:</b><br>&emsp;Search<br>'),
]

# German, exported in winter from Berlin: times at MEZ, the caption's
# labels in German.
WHY_DE = ('<b>Warum wird das hier angezeigt?</b><br>&emsp;Diese Aktivität wurde in deinem Google-Konto gespeichert, weil die folgenden '
          'Einstellungen aktiviert waren:&nbsp;Web- &amp; App-Aktivitäten.&nbsp;Du kannst diese Einstellungen '
          '&nbsp;<a href="https://myaccount.google.com/activitycontrols">hier</a> verwalten.')
de = [
    cell('Suche',
         'Gesucht nach:&nbsp;<a href="https://www.google.com/search?q=Br%C3%B6tchen+Lieferdienst+K%C3%B6ln">Brötchen Lieferdienst Köln</a><br>14.03.2024, 10:26:53 MEZ',
         '<b>Produkte:</b><br>&emsp;Suche<br>' + WHY_DE),
    cell('Suche',
         'Besucht:&nbsp;<a href="https://www.google.com/url?q=https://de.wikipedia.org/wiki/K%C3%B6lner_Dom">Kölner Dom – Wikipedia</a><br>14.03.2024, 10:27:30 MEZ',
         '<b>Produkte:</b><br>&emsp;Suche<br><b>Standorte:</b><br>&emsp;In <a href="https://www.google.com/maps/@?api=1&amp;map_action=map&amp;center=50.941278,6.958281&amp;zoom=12">dieser allgemeinen Region</a> - Basierend auf deinen bisherigen Aktivitäten<br>' + WHY_DE),
    cell('Suche',
         'Gesucht nach:&nbsp;<a href="https://www.google.com/search?q=%C3%BCbersetzung+%E2%80%9EGem%C3%BCtlichkeit%E2%80%9C">übersetzung „Gemütlichkeit“</a><br>02.07.2023, 21:00:00 MEZ',
         '<b>Produkte:</b><br>&emsp;Suche<br>' + WHY_DE),
    cell('Suche',
         'Gesucht nach:&nbsp;<a href="https://www.google.com/search?q=Zeitzone">Zeitzone</a><br>31.12.2023, 25:61:00 MEZ',
         '<b>Produkte:</b><br>&emsp;Suche<br>' + WHY_DE),
]

for path, cells in [('en/Takeout/My Activity/YouTube/MyActivity.html', en),
                    ('old/Takeout/My Activity/YouTube/MyActivity.html', old),
                    ('de/Takeout/Meine Aktivitäten/Suche/MeineAktivitäten.html', de)]:
    import os
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(page(cells))
