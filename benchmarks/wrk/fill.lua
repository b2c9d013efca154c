-- wrk -s fill.lua URL -- N: POST startDubbing until this thread has N answers, then stop.
wrk.method = "POST"
wrk.body = '{"source_url": "https://example.com/a.mp3", "target_lang": "en"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer sk_bench"

local quota = 0
local answers = 0

function init(args)
  quota = tonumber(args[1]) or 0
end

function response(status, headers, body)
  answers = answers + 1
  if answers >= quota then
    wrk.thread:stop()
  end
end
