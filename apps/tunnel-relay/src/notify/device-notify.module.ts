import { Module } from '@nestjs/common';
import { DeviceNotifier } from './device-notifier';

/** Device notifications over MQTT: imported only when REKEY_MQTT_URL is set, so that no other relay takes their events. */
@Module({ controllers: [DeviceNotifier] })
export class DeviceNotifyModule {}
