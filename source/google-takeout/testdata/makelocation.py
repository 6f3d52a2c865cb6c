#!/usr/bin/env python3
"""Writes the Location History fixtures from the documented shapes of
each generation (Records.json with timestampMs before 2022 and timestamp
since; Semantic Location History with startTimestampMs, later
startTimestamp; the on-device Timeline.json of Android and of iOS), with
deterministic made-up points. Run it from this directory; its outputs
are committed."""
import datetime, json, os

UTC = datetime.timezone.utc

def iso(ms):
    t = datetime.datetime.fromtimestamp(ms / 1000, UTC)
    s = t.strftime('%Y-%m-%dT%H:%M:%S')
    if ms % 1000:
        s += '.%03d' % (ms % 1000)
    return s + 'Z'

def jackson(value, indent=0):
    """Google's older pretty printer: "key" : value, arrays as [ {."""
    pad = '  ' * indent
    if isinstance(value, dict):
        items = ['%s  %s : %s' % (pad, json.dumps(k, ensure_ascii=False), jackson(v, indent + 1)) for k, v in value.items()]
        return '{\n' + ',\n'.join(items) + '\n' + pad + '}'
    if isinstance(value, list):
        if not value:
            return '[ ]'
        return '[ ' + ', '.join(jackson(v, indent) for v in value) + ' ]'
    return json.dumps(value, ensure_ascii=False)

# points: (ms, latE7, lngE7, accuracy)
start = 1547118720123  # 2019-01-10T11:12:00.123Z
points = []
for i in range(50):
    ms = start + i * 600_000 + (i % 7) * 1111
    lat = 488583701 + i * 137 - (i % 5) * 901   # around the Eiffel tower
    lng = 22944813 + i * 211
    points.append((ms, lat, lng, 10 + i % 40))

old_records = {"locations": []}
for ms, lat, lng, acc in points[:30]:
    rec = {"timestampMs": str(ms), "latitudeE7": lat, "longitudeE7": lng, "accuracy": acc}
    if ms % 3 == 0:
        rec["activity"] = [{"timestampMs": str(ms - 366), "activity": [{"type": "STILL", "confidence": 77}, {"type": "ON_FOOT", "confidence": 12}]}]
    if ms % 4 == 1:
        rec["altitude"] = 35
        rec["verticalAccuracy"] = 3
    old_records["locations"].append(rec)

new_records = {"locations": []}
for ms, lat, lng, acc in points[15:]:
    rec = {"latitudeE7": lat, "longitudeE7": lng, "accuracy": acc}
    if ms % 3 == 0:
        rec["activity"] = [{"activity": [{"type": "STILL", "confidence": 77}, {"type": "ON_FOOT", "confidence": 12}], "timestamp": iso(ms - 366)}]
    rec.update({"source": "WIFI" if ms % 2 else "GPS", "deviceTag": 1978796627, "platformType": "ANDROID", "timestamp": iso(ms)})
    new_records["locations"].append(rec)
# a later year, a point in Tokyo with a negative device tag, one with a
# server timestamp
for j, (ms, lat, lng) in enumerate([(1709251200000, 356812362, 1397671248), (1709254800250, 356586000, 1397454000)]):
    new_records["locations"].append({"latitudeE7": lat, "longitudeE7": lng, "accuracy": 5, "velocity": 2, "heading": 90,
        "altitude": 40, "verticalAccuracy": 2, "source": "GPS", "deviceTag": -8024144696862913506, "platformType": "IOS",
        "serverTimestamp": iso(ms + 4000), "deviceTimestamp": iso(ms + 10), "batteryCharging": False, "formFactor": "PHONE",
        "timestamp": iso(ms)})

os.makedirs('old/Takeout/Location History', exist_ok=True)
with open('old/Takeout/Location History/Location History.json', 'w') as f:
    f.write(jackson(old_records) + '\n')
os.makedirs('en/Takeout/Location History (Timeline)', exist_ok=True)
with open('en/Takeout/Location History (Timeline)/Records.json', 'w') as f:
    f.write(jackson(new_records) + '\n')

def visit(start, end, place, name, addr, lat, lng, gen):
    d = {"startTimestampMs": str(start), "endTimestampMs": str(end)} if gen == 1 else {"startTimestamp": iso(start), "endTimestamp": iso(end)}
    loc = {"latitudeE7": lat, "longitudeE7": lng, "placeId": place, "address": addr, "name": name}
    if gen == 2:
        loc["sourceInfo"] = {"deviceTag": 1978796627}
        loc["locationConfidence"] = 87.5
    pv = {"location": loc, "duration": d, "placeConfidence": "HIGH_CONFIDENCE"}
    if gen == 2:
        pv.update({"centerLatE7": lat + 12, "centerLngE7": lng - 7, "visitConfidence": 91, "editConfirmationStatus": "NOT_CONFIRMED",
                   "placeVisitType": "SINGLE_PLACE", "placeVisitImportance": "MAIN"})
    return {"placeVisit": pv}

def segment(start, end, typ, dist, a, b, gen):
    d = {"startTimestampMs": str(start), "endTimestampMs": str(end)} if gen == 1 else {"startTimestamp": iso(start), "endTimestamp": iso(end)}
    seg = {"startLocation": {"latitudeE7": a[0], "longitudeE7": a[1]}, "endLocation": {"latitudeE7": b[0], "longitudeE7": b[1]},
           "duration": d, "distance": dist, "activityType": typ, "confidence": "HIGH",
           "activities": [{"activityType": typ, "probability": 91.2}, {"activityType": "WALKING", "probability": 5.1}]}
    if gen == 2:
        seg["waypointPath"] = {"waypoints": [{"latE7": a[0], "lngE7": a[1]}, {"latE7": b[0], "lngE7": b[1]}], "source": "INFERRED"}
        seg["simplifiedRawPath"] = {"points": [{"latE7": a[0] + 5, "lngE7": a[1] + 5, "accuracyMeters": 10, "timestamp": iso(start + 60000)}]}
    return {"activitySegment": seg}

jan2019 = lambda gen: {"timelineObjects": [
    visit(1547110800000, 1547118000000, "ChIJLU7jZClu5kcR4PcOOO6p3I0", "Tour Eiffel", "Champ de Mars, 5 Av. Anatole France, 75007 Paris, France", 488583701, 22944813, gen),
    segment(1547118000000, 1547119800000, "IN_SUBWAY", 5120, (488583701, 22944813), (488606111, 23376567), gen),
    visit(1547119800000, 1547130600000, "ChIJD3uTd9hx5kcR1IQvGfr8dbk", "Musée du Louvre", "Rue de Rivoli, 75001 Paris, France", 488606111, 23376567, gen),
    segment(1547130600000, 1547133000000, "WALKING", 1803, (488606111, 23376567), (488529682, 23499021), gen),
    visit(1547133000000, 1547150000000, "ChIJATr1n-Fx5kcRjQb6q6cdQDY", "Cathédrale Notre-Dame de Paris", "6 Parvis Notre-Dame - Pl. Jean-Paul II, 75004 Paris, France", 488529682, 23499021, gen),
]}
mar2023 = {"timelineObjects": [
    visit(1678870800000, 1678899600123, "ChIJ3S-JXmauEmsRUcIaWtf4MzE", "Sydney Opera House", "Bennelong Point, Sydney NSW 2000, Australia", -338567844, 1512152967, 2),
    segment(1678899600123, 1678903200000, "FLYING", 713000, (-338567844, 1512152967), (-378136, 1449631), 2),
    visit(1678903200000, 1678910400000, "ChIJgf0RD69C1moR4OeMIXVWBAU", "Flinders Street Station", "Flinders St, Melbourne VIC 3000, Australia", -378182, 1449671, 2),
]}
for path, obj in [('old/Takeout/Location History/Semantic Location History/2019/2019_JANUARY.json', jan2019(1)),
                  ('en/Takeout/Location History (Timeline)/Semantic Location History/2019/2019_JANUARY.json', jan2019(2)),
                  ('en/Takeout/Location History (Timeline)/Semantic Location History/2023/2023_MARCH.json', mar2023)]:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write('\n')

# The on-device export of Android: "48.8583701°, 2.2944813°" strings,
# times with the phone's offset.
android = {"semanticSegments": [
    {"startTime": "2024-05-01T08:00:00.000+02:00", "endTime": "2024-05-01T08:41:00.000+02:00", "startTimeTimezoneUtcOffsetMinutes": 120, "endTimeTimezoneUtcOffsetMinutes": 120,
     "visit": {"hierarchyLevel": 0, "probability": 0.9126, "topCandidate": {"placeId": "ChIJLU7jZClu5kcR4PcOOO6p3I0", "semanticType": "UNKNOWN", "probability": 0.8721, "placeLocation": {"latLng": "48.8583701°, 2.2944813°"}}}},
    {"startTime": "2024-05-01T08:00:00.000+02:00", "endTime": "2024-05-01T08:41:00.000+02:00", "startTimeTimezoneUtcOffsetMinutes": 120, "endTimeTimezoneUtcOffsetMinutes": 120,
     "visit": {"hierarchyLevel": 1, "probability": 0.7, "topCandidate": {"placeId": "ChIJ7-cvvx1w5kcRmu4J4jhWdiA", "semanticType": "UNKNOWN", "probability": 0.66, "placeLocation": {"latLng": "48.8560000°, 2.2980000°"}}}},
    {"startTime": "2024-05-01T08:41:00.000+02:00", "endTime": "2024-05-01T09:02:31.000+02:00", "startTimeTimezoneUtcOffsetMinutes": 120, "endTimeTimezoneUtcOffsetMinutes": 120,
     "activity": {"start": {"latLng": "48.8583701°, 2.2944813°"}, "end": {"latLng": "48.8606111°, 2.3376567°"}, "distanceMeters": 4210.5, "probability": 0.98,
                  "topCandidate": {"type": "IN_SUBWAY", "probability": 0.81}, "parking": {"location": {"latLng": "48.8606000°, 2.3376000°"}, "startTime": "2024-05-01T09:02:31.000+02:00"}}},
    {"startTime": "2024-05-01T08:00:00.000+02:00", "endTime": "2024-05-01T10:00:00.000+02:00",
     "timelinePath": [{"point": "48.8583701°, 2.2944813°", "time": "2024-05-01T08:12:00.000+02:00"}, {"point": "48.8590000°, 2.3100000°", "time": "2024-05-01T08:50:00.000+02:00"},
                      {"point": "48.8606111°, 2.3376567°", "time": "2024-05-01T09:03:00.000+02:00"}]},
    {"startTime": "2024-05-01T00:00:00.000+02:00", "endTime": "2024-05-03T00:00:00.000+02:00",
     "timelineMemory": {"trip": {"distanceFromOriginKms": 880, "destinations": [{"identifier": {"placeId": "ChIJD7fiBh9u5kcRYJSMaMOCCwQ"}}]}}},
    {"startTime": "2024-12-31T23:30:00.000-05:00", "endTime": "2025-01-01T00:30:00.000-05:00", "startTimeTimezoneUtcOffsetMinutes": -300, "endTimeTimezoneUtcOffsetMinutes": -300,
     "visit": {"hierarchyLevel": 0, "probability": 0.99, "topCandidate": {"placeId": "ChIJmQJIxlVYwokRLgeuocVOGVU", "semanticType": "INFERRED_HOME", "probability": 0.95, "placeLocation": {"latLng": "40.7580000°, -73.9855000°"}}}},
],
 "rawSignals": [{"position": {"LatLng": "48.8583701°, 2.2944813°", "accuracyMeters": 13, "altitudeMeters": 35.2, "source": "WIFI", "timestamp": "2024-05-01T08:01:00.000+02:00", "speedMetersPerSecond": 0.0}}],
 "userLocationProfile": {"frequentPlaces": [{"placeId": "ChIJmQJIxlVYwokRLgeuocVOGVU", "placeLocation": "40.7580000°, -73.9855000°", "label": "HOME"}]}}
with open('Timeline.json', 'w') as f:
    json.dump(android, f, indent=2, ensure_ascii=False)
    f.write('\n')

# iOS: an array of segments, "geo:" strings, numbers written as strings,
# placeID spelt with a capital D; its keys in alphabetical order.
ios = [
    {"endTime": "2024-05-02T09:30:00.000+02:00", "startTime": "2024-05-02T07:55:12.000+02:00",
     "visit": {"hierarchyLevel": "0", "topCandidate": {"probability": "0.871", "semanticType": "Home", "placeID": "ChIJ7cv00DwsDogRAMDACa2m4K8", "placeLocation": "geo:48.856613,2.352222"}, "probability": "0.910"}},
    {"endTime": "2024-05-02T10:05:44.000+02:00", "startTime": "2024-05-02T09:30:00.000+02:00",
     "activity": {"end": "geo:48.873792,2.295028", "topCandidate": {"type": "walking", "probability": "0.930"}, "distanceMeters": "3810.22", "start": "geo:48.856613,2.352222", "probability": "0.990"}},
    {"endTime": "2024-05-02T11:00:00.000+02:00", "startTime": "2024-05-02T09:00:00.000+02:00",
     "timelinePath": [{"point": "geo:48.856613,2.352222", "durationMinutesOffsetFromStartTime": "30"}, {"point": "geo:48.873792,2.295028", "durationMinutesOffsetFromStartTime": "65"}]},
]
with open('Timeline-ios.json', 'w') as f:
    f.write(json.dumps(ios, indent=2, ensure_ascii=False, sort_keys=False).replace('": ', '" : ') + '\n')
