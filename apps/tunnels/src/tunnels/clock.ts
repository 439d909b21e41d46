import { Injectable } from '@nestjs/common';

/** The current time for every tunnel rule (expiry above all), so tests can move it instead of waiting. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
