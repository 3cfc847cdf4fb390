// IMS_GATEWAY_RESTART_CMD for the fake platform: asks it to restart its gateway and returns once it is back.
const port = process.env.FAKE_NOTIFICATION_PORT ?? 18081;
const response = await fetch(`http://127.0.0.1:${port}/__fake/restart-gateway`, { method: 'POST' });
if (!response.ok) {
  console.error(`restart failed: ${response.status}`);
  process.exit(1);
}
console.log('fake gateway restarted');
