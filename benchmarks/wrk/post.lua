-- wrk -s post.lua URL: POST a valid startDubbing body on every request.
wrk.method = "POST"
wrk.body = '{"source_url": "https://example.com/a.mp3", "target_lang": "en"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk_bench"
