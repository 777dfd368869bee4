// GET /users/{userId} and GET /users/{userId}/settings: the user, and the settings a client reads its
// passcode rules from (`schedule_meeting.meeting_password_requirement`, or under `meeting_security`
// with ?option=meeting_security).
import { Router } from 'express';
import type { UsersGetUserResponse, UsersGetUserSettingsResponse } from '@zoom/rivet/users';
import type { FakeZoomState, UserRecord } from './fake-zoom-state';
import { principalOf, zoomLocals } from './request-log';
import { formatZoomTime } from './zoom-time';

export const buildUserSettings = (user: UserRecord, option?: string): UsersGetUserSettingsResponse => {
  const requirement = { ...user.requirement };
  if (option === 'meeting_security') {
    return {
      meeting_security: {
        auto_security: true,
        block_user_domain: false,
        embed_password_in_join_link: true,
        encryption_type: 'enhanced_encryption',
        end_to_end_encrypted_meetings: false,
        meeting_password: user.requirePasscode,
        meeting_password_requirement: requirement,
        only_authenticated_can_join_from_webclient: false,
        phone_password: user.requirePasscode,
        pmi_password: false,
        require_password_for_scheduled_meeting: false,
        require_password_for_scheduled_webinar: false,
        waiting_room: false,
        webinar_password: false,
      },
    };
  }
  if (option === 'meeting_authentication') {
    return {
      meeting_authentication: false,
      allow_authentication_exception: false,
      authentication_options: [],
    };
  }
  return {
    schedule_meeting: {
      audio_type: 'both',
      embed_password_in_join_link: true,
      force_pmi_jbh_password: false,
      host_video: false,
      join_before_host: false,
      meeting_password_requirement: requirement,
      participants_video: false,
      personal_meeting: false,
      pstn_password_protected: user.requirePasscode,
      require_password_for_instant_meetings: user.requirePasscode,
      require_password_for_pmi_meetings: 'none',
      require_password_for_scheduled_meetings: false,
      require_password_for_scheduling_new_meetings: user.requirePasscode,
      use_pmi_for_instant_meetings: false,
      use_pmi_for_scheduled_meetings: false,
    },
    in_meeting: { waiting_room: false, e2e_encryption: false },
    telephony: { third_party_audio: false, show_international_numbers_link: true },
  };
};

const buildUser = (user: UserRecord): UsersGetUserResponse => ({
  id: user.id,
  email: user.email,
  first_name: '',
  last_name: '',
  display_name: user.email,
  type: 2,
  role_name: 'Member',
  timezone: user.timezone,
  account_id: user.accountId,
  created_at: formatZoomTime(user.createdAt),
  language: 'en-US',
  status: 'active',
  verified: 1,
});

export const usersRouter = (state: FakeZoomState): Router => {
  const router = Router();
  router.get('/users/:userId', (req, res) => {
    const locals = zoomLocals(res);
    const user = state.resolveUser(principalOf(res), req.params.userId);
    locals.userId = user.id;
    res.json(buildUser(user));
  });
  router.get('/users/:userId/settings', (req, res) => {
    const locals = zoomLocals(res);
    const user = state.resolveUser(principalOf(res), req.params.userId);
    locals.userId = user.id;
    const option = typeof req.query['option'] === 'string' ? req.query['option'] : undefined;
    res.json(buildUserSettings(user, option));
  });
  return router;
};
