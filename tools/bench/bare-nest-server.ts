// The ceiling of every app's `GET /health/live`: a bare NestJS app on the Fastify adapter, one
// controller answering what the apps' liveness probe answers, nothing else (no logger, hooks,
// guards, filters or modules). What NestJS itself costs per request; the rest is the platform's.
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';

@Controller()
class HelloController {
  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  ready() {
    return { ok: true };
  }
}

@Module({ controllers: [HelloController] })
class HelloModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(HelloModule, new FastifyAdapter(), { logger: false });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
