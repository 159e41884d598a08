"""Transport only: WeChat's webhook protocol, the outbound API client, the dev simulator."""
