-- Runs once, when the compose PostgreSQL volume is first created. The schema registry
-- keeps its schemas in its own database so schema ids survive restarts and never mix
-- with the event store's tables; the orderflow database itself is created by the image.
CREATE DATABASE registry;
