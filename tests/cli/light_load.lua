-- wrk script: a light load, each connection waiting 20 ms between its
-- requests (about 200 requests/s on 4 connections), so that the guest
-- under TCG still has time for the control channel while it serves.
function delay()
   return 20
end
